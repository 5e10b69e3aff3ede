"""Tiny annotated corpora written for these tests (not taken from any data set)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

PEOPLE = [("张", "伟"), ("李", "明"), ("王", "芳"), ("刘", "强"), ("陈", "静")]
PLACES = ["北京", "上海", "广州", "深圳", "杭州", "南京"]
ORGS = ["新华社", "科学院", "人民银行", "清华大学", "气象局"]
VERBS = ["访问", "考察", "参观", "来到", "离开"]
NOUNS = [("经济", "n"), ("发展", "vn"), ("会议", "n"), ("合作", "vn"), ("项目", "n")]


def pd_line(rng: random.Random, i: int) -> str:
    """One People's Daily-style paragraph: ``id/m  word/TAG ...`` with a bracketed compound."""
    sur, given = rng.choice(PEOPLE)
    place = rng.choice(PLACES)
    verb = rng.choice(VERBS)
    noun, ntag = rng.choice(NOUNS)
    org = rng.choice(ORGS)
    words = [f"{sur}/nr", f"{given}/nr", "今天/t", f"{verb}/v", f"{place}/ns", "，/w",
             f"[{place}/ns  {org}/nt]nt", "讨论/v", f"{noun}/{ntag}", "。/w"]
    day = 1 + i // 10
    return f"199801{day:02d}-01-{i % 10 + 1:03d}-001/m  " + "  ".join(words)


def conll_sentence(rng: random.Random, scheme: str = "bio") -> list[tuple[str, str]]:
    """One NER sentence as (char, tag) pairs."""
    sur, given = rng.choice(PEOPLE)
    parts = [(sur + given, "PER"), ("今天", None), (rng.choice(VERBS), None),
             (rng.choice(PLACES), "LOC"), ("的", None), (rng.choice(ORGS), "ORG"), ("。", None)]
    out: list[tuple[str, str]] = []
    for text, label in parts:
        for k, c in enumerate(text):
            if label is None:
                out.append((c, "O"))
            elif scheme == "bio":
                out.append((c, ("B-" if k == 0 else "I-") + label))
            else:  # bmes
                if len(text) == 1:
                    out.append((c, "S-" + label))
                else:
                    p = "B-" if k == 0 else "E-" if k == len(text) - 1 else "M-"
                    out.append((c, p + label))
    return out


def write_pd(path: Path, n: int = 60, seed: int = 0) -> Path:
    rng = random.Random(seed)
    path.write_text("\r\n".join(pd_line(rng, i) for i in range(n)) + "\r\n", encoding="utf-8")
    return path


def write_conll(path: Path, n: int = 60, seed: int = 0, scheme: str = "bio") -> Path:
    rng = random.Random(seed)
    blocks = ["\n".join(f"{c} {t}" for c, t in conll_sentence(rng, scheme)) for _ in range(n)]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


FAST = {"dictionary": "none", "segmenter": False, "max_iterations": 40}


@pytest.fixture(scope="session")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tagdata")
    write_pd(d / "pd.txt")
    write_pd(d / "pd_dev.txt", n=20, seed=1)
    write_conll(d / "ner.txt")
    write_conll(d / "ner_dev.txt", n=20, seed=1)
    return d
