"""One progress style on a terminal, none with ``--quiet`` or off a terminal (issue 18).

The commands run as a user runs them, with stderr on a pseudo-terminal (so ``isatty()`` is
true and rich draws its bar), and again with ``--quiet``. Every bar of the command line comes
from :func:`zhtext.report.progress.progress`: the source holds no other rich ``Progress``.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD

ROOT = Path(__file__).resolve().parents[2]
pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal")


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``zhtext ARGS`` with stderr on a pseudo-terminal; (exit code, what stderr showed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "zhtext", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the process closed its end
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        rc = proc.wait(timeout=HANG_GUARD)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return rc, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode(errors="replace"))


def _training_bar_unless_quiet(command: list[str], cwd: Path, saved: str) -> None:
    """A neural training bar (steps done/total) on a terminal; none with --quiet."""
    rc, shown = _on_a_terminal([*command, "-o", f"{command[0]}-bar"], cwd)
    assert rc == 0, shown
    assert re.search(r"training .*\d+/\d+", shown), shown
    rc, shown = _on_a_terminal([*command, "-o", f"{command[0]}-quiet", "--quiet"], cwd)
    assert rc == 0, shown
    assert not re.search(r"training .*\d+/\d+", shown), shown
    assert saved in shown


@pytest.fixture(scope="module")
def cws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bars")
    (d / "train.txt").write_text("深度 学习 推动 了 自然语言 处理 的 发展 。\n"
                                 "城市 轨道 交通 建设 改善 了 居民 出行 。\n" * 30,
                                 encoding="utf-8")
    (d / "doc.txt").write_text("深度学习推动了自然语言处理的发展。\n" * 3000, encoding="utf-8")
    return d


def test_crf_training_shows_its_iterations_unless_quiet(cws: Path) -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    rc, shown = _on_a_terminal(["tag", "train", "--task", "cws", "--train", "train.txt",
                                "-o", "m1"], cws)
    assert rc == 0, shown
    assert re.search(r"training: L-BFGS iteration .*\d+/\d+", shown), shown
    rc, shown = _on_a_terminal(["tag", "train", "--task", "cws", "--train", "train.txt",
                                "-o", "m2", "--quiet"], cws)
    assert rc == 0, shown
    assert "L-BFGS" not in shown and "saved cws crf model" in shown


def test_keywords_show_bytes_read_unless_quiet(cws: Path) -> None:
    rc, shown = _on_a_terminal(["keywords", "extract", "doc.txt", "-o", "k1.txt"], cws)
    assert rc == 0, shown
    assert re.search(r"keywords .*kB", shown), shown
    rc, shown = _on_a_terminal(["keywords", "extract", "doc.txt", "-o", "k2.txt", "--quiet"],
                               cws)
    assert rc == 0 and shown.strip() == "", shown


def test_neural_tagger_training_bar_obeys_quiet(cws: Path) -> None:
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    from tests.tag.conftest import write_conll
    from tests.tiny_encoder import build_tiny_encoder

    write_conll(cws / "ner.txt", n=16)
    build_tiny_encoder(cws / "enc", ["张伟今天访问北京的新华社。"])
    common = ["tag", "train", "--task", "ner", "--method", "bert", "--model", "enc", "--train",
              "ner.txt", "--set", "epochs=1", "--set", "batch_size=8"]
    _training_bar_unless_quiet(common, cws, "saved ner bert model")


def test_one_progress_style_in_the_source() -> None:
    makers = [p.relative_to(ROOT / "src").as_posix()
              for p in (ROOT / "src" / "zhtext").rglob("*.py")
              if re.search(r"\bProgress\(", p.read_text(encoding="utf-8"))]
    assert makers == ["zhtext/report/progress.py"]


def test_textcnn_training_bar_obeys_quiet(cws: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    from tests.classify.conftest import make_corpus

    texts, labels = make_corpus(10)
    (cws / "clf.tsv").write_text("".join(f"{t}\t{y}\n" for t, y in zip(texts, labels)),
                                 encoding="utf-8")
    common = ["classify", "train", "--method", "textcnn", "--train", "clf.tsv", "--set",
              "epochs=2", "--set", "embedding_dim=8", "--set", "num_filters=4"]
    _training_bar_unless_quiet(common, cws, "saved textcnn model")
