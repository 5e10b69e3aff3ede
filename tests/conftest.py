from __future__ import annotations

import os

import pytest

# No test may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Under pytest-xdist every core already runs a test: one thread per process (torch, BLAS,
# onnxruntime, tokenizers), inherited by the CLI runs the tests start, rather than each
# process starting threads for cores that are busy. Set before any test imports torch.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is in the dev extras
    pass
else:
    # No property test may depend on the machine's speed: no per-example deadline, and no
    # health check that fails when generating examples is slow (as on a loaded machine).
    settings.register_profile("zhtext", deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("zhtext")

# Short texts written for these tests (not taken from any data set).
DOCS = [
    "深度学习推动了自然语言处理的快速发展。研究人员提出了新的神经网络模型，"
    "该模型在机器翻译和文本分类任务上取得了显著效果。深度学习方法仍需要大量标注数据。",
    "城市轨道交通建设改善了居民出行条件。地铁线路的延伸带动了沿线房地产开发，"
    "也对城市规划提出了新的要求。轨道交通的客流预测是规划中的关键环节。",
    "本文研究了土壤重金属污染的修复技术。通过植物修复和化学淋洗两种方法的对比试验，"
    "发现植物修复成本较低但周期较长。土壤重金属污染修复需要因地制宜。",
]


@pytest.fixture
def docs() -> list[str]:
    return list(DOCS)
