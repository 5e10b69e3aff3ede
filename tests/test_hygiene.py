"""Library hygiene: no heavy imports on the light paths, no import-time side effects."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "sentence_transformers", "gensim", "sklearn")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout
    return set(out.split())


def test_import_zhtext_is_light() -> None:
    mods = _modules_after("import zhtext")
    assert not mods & set(HEAVY)
    assert "numpy" not in mods
    assert "rjieba" not in mods  # segmenters load on first use


def test_tfidf_keywords_do_not_import_torch_or_numpy() -> None:
    mods = _modules_after(
        "import zhtext\nzhtext.extract_keywords(['深度学习推动了自然语言处理的发展。'])"
    )
    assert not mods & set(HEAVY)
    assert "numpy" not in mods


def test_cli_help_does_not_import_heavy_modules() -> None:
    mods = _modules_after(
        "import sys\nfrom zhtext.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not mods & set(HEAVY)


def test_import_adds_no_logging_handlers() -> None:
    code = (
        "import logging\nbefore = list(logging.getLogger().handlers)\n"
        "import zhtext, zhtext.keywords, zhtext.text\n"
        "assert logging.getLogger().handlers == before\n"
        "assert not logging.getLogger('zhtext').handlers\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    import zhtext

    assert zhtext.__version__ == version("zhtext")


def test_classify_api_and_linear_do_not_import_torch() -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    mods = _modules_after("import zhtext.classify\nfrom zhtext.classify import TextClassifier")
    assert not mods & set(HEAVY)
    mods = _modules_after(
        "from zhtext.classify import TextClassifier\n"
        "c = TextClassifier('linear').fit(['球队赢了比赛', '央行下调利率'] * 5, "
        "['体育', '财经'] * 5)\nc.predict(['球队'])"
    )
    assert "torch" not in mods and "transformers" not in mods


def test_tag_api_and_crf_do_not_import_torch() -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    mods = _modules_after("import zhtext.tag\nfrom zhtext.tag import Tagger\n"
                          "from zhtext.io.tagged import read_tagged")
    assert not mods & set(HEAVY)
    mods = _modules_after(
        "from zhtext.tag import Sentence, Tagger\n"
        "s = Sentence('我爱北京', [(0, 1, ''), (1, 2, ''), (2, 4, '')], words=True)\n"
        "t = Tagger('cws', settings={'dictionary': 'none', 'segmenter': False}).fit([s] * 5)\n"
        "t.predict(['我爱北京'])"
    )
    assert "torch" not in mods and "transformers" not in mods
