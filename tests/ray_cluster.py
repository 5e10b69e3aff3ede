"""What the Ray engine tests share: news-like texts and one local Ray cluster per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

DOCS = ["深度学习推动了自然语言处理的快速发展，研究人员提出了新的神经网络模型。",
        "城市轨道交通建设改善了居民出行条件，地铁线路的延伸带动了沿线开发。",
        "央行宣布下调存款准备金率，股市应声上涨，投资者信心增强。",
        "女排在决赛中战胜对手，夺得冠军，球迷欢呼庆祝。",
        "芯片公司发布新款处理器，性能提升明显，手机厂商纷纷采用。"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A local Ray cluster of 2 CPUs for the module's tests."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield ray
    ray.shutdown()
