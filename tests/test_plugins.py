"""Third-party kinds register through the ``zhtext.kinds`` entry-point group.

A plug-in distribution is written into a temporary folder put on the path of a child
process (so nothing is installed), and a directory of its kind opens with ``zhtext.load``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PLUGIN = '''
from zhtext.registry import ArtifactKind


class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    def predict(self, texts):
        return [self.greeting + t for t in texts]


class GreeterKind(ArtifactKind):
    name = "greeter"
    made_by = "zhtext-greeter make"

    def load(self, path, manifest):
        return Greeter(manifest["greeting"])
'''


def _plugin(site: Path) -> None:
    (site / "zhtext_greeter.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "zhtext_greeter-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zhtext-greeter\nVersion: 0.1\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[zhtext.kinds]\ngreeter = zhtext_greeter:GreeterKind\n", encoding="utf-8")


def test_a_plugin_kind_loads_with_zhtext_load(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _plugin(site)
    model = tmp_path / "hello"
    model.mkdir()
    (model / "zhtext.json").write_text(json.dumps(
        {"format_version": 1, "task": "greeter", "method": "plain", "greeting": "你好，"}),
        encoding="utf-8")
    code = ("import sys, zhtext\nfrom zhtext.registry import kind_names\n"
            f"print(kind_names()[-1], zhtext.load({str(model)!r}).predict(['世界'])[0])")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["greeter", "你好，世界"]
