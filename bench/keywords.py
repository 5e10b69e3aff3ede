"""zhtext keywords against jieba.analyse on papers and news: F1@3, F1@5 and speed, one run.

Usage:
    python bench/keywords.py [--data ../shared/data] [--repeat 3] [--encoder DIR]

Two dev sets, read together (a change that wins on one and loses on the other is no win):

- **CSL** papers: `csl_benchmark/kg/dev.tsv` (1,000 abstracts + titles; gold = the authors'
  keywords, text_b split on "_"; 85% of them occur in the text).
- **TNEWS** news titles: the `keywords` field of `clue_tnews/train.json` and of the FewCLUE
  TNEWS files (titles with keywords, deduplicated; 5,000 drawn with seed 0; only about a quarter
  of these keywords occur in the title). CLUE's TNEWS dev split is held back for acceptance.

Quality: micro P/R/F1 at 3 and 5 (``zhtext.evaluate.keywords``). Speed: documents per second
of each method over the same documents in one process, after a warm-up, best of `--repeat`
passes. Ratios are zhtext / jieba measured in this same run (jieba's textrank for zhtext's
textrank rows, extract_tags for the rest). ``--encoder DIR`` adds TextRank with the word
embeddings of an encoder (a `zhtext pretrain` directory or a sentence-transformers model).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zhtext.evaluate.keywords import keyword_scores
from zhtext.io.gold import read_gold
from zhtext.keywords import KeywordExtractor, get_extractor

HERE = Path(__file__).resolve().parent
TNEWS_SAMPLE = 5000


@dataclass
class DevSet:
    name: str
    texts: list[str]
    golds: list[list[str]]
    corpus: list[str]  # other texts of the same kind, for fitted statistics


def csl(data: Path) -> DevSet:
    gold = list(read_gold(data / "csl_benchmark" / "kg" / "dev.tsv"))
    # Corpus statistics from other CSL papers (the category task's training titles: not the
    # evaluation papers, whose abstracts the ts/cls dev files repeat).
    rows = (data / "csl_benchmark" / "cls_ctg" / "train.tsv").read_text(encoding="utf-8")
    corpus = [r.split("\t")[1] for r in rows.splitlines() if r.strip()]
    return DevSet("CSL kg dev", [g.text for g in gold], [g.keywords for g in gold], corpus)


def tnews(data: Path) -> DevSet:
    files = [data / "clue_tnews" / "train.json",
             *sorted((data / "fewclue" / "tnews").glob("*.json"))]
    seen: set[str] = set()
    rows: list[tuple[str, list[str]]] = []
    unlabelled: list[str] = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            text, kws = r.get("sentence", ""), r.get("keywords", "")
            if not isinstance(text, str) or text in seen:
                continue
            seen.add(text)
            gold = [k for k in str(kws).split(",") if k.strip()]
            (rows.append((text, gold)) if gold else unlabelled.append(text))
    random.Random(0).shuffle(rows)
    rows = rows[:TNEWS_SAMPLE]
    return DevSet("TNEWS titles", [t for t, _ in rows], [g for _, g in rows], unlabelled)


def docs_per_second(fn: Callable[[list[str]], object], texts: list[str], repeat: int) -> float:
    fn(texts[:20])  # warm-up: dictionaries, IDF tables, caches
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def zhtext_fn(ex: KeywordExtractor) -> Callable[[list[str]], list[list[str]]]:
    return lambda xs: [[k.text for k in r] for r in ex.extract(xs, 5)]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--speed-docs", type=int, default=1000,
                    help="documents per timed pass (the dev set, cycled)")
    ap.add_argument("--encoder", default=None,
                    help="an encoder for TextRank's word embeddings (zhtext pretrain output)")
    args = ap.parse_args()

    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    methods: list[tuple[str, Callable[[DevSet], Callable[[list[str]], list[list[str]]]],
                        bool]] = [
        ("jieba extract_tags",
         lambda d: lambda xs: [jieba.analyse.extract_tags(x, topK=5) for x in xs], True),
        ("jieba textrank",
         lambda d: lambda xs: [jieba.analyse.textrank(x, topK=5) for x in xs], True),
        ("zhtext tfidf (default)", lambda d: zhtext_fn(get_extractor("tfidf")), True),
        ("zhtext tfidf, termhood off (the earlier default)",
         lambda d: zhtext_fn(get_extractor("tfidf", pos_weights="none",
                                           single_phrase_weight=1.0)), True),
        ("zhtext tfidf --no-phrases",
         lambda d: zhtext_fn(get_extractor("tfidf", phrases=False)), True),
        ("zhtext textrank", lambda d: zhtext_fn(get_extractor("textrank")), True),
        ("zhtext tfidf, IDF fitted on the corpus",
         lambda d: zhtext_fn(get_extractor("tfidf").fit(d.corpus)), False),
        ("zhtext textrank + word2vec trained on the corpus",
         lambda d: zhtext_fn(get_extractor("textrank", embeddings="word2vec").fit(d.corpus)),
         False),
    ]
    if args.encoder:
        methods.append((f"zhtext textrank + encoder embeddings ({Path(args.encoder).name})",
                        lambda d: zhtext_fn(get_extractor("textrank",
                                                          embeddings=args.encoder)), False))

    sets = [csl(args.data), tnews(args.data)]
    results: dict[tuple[str, str], tuple[float, float, float | None]] = {}
    for d in sets:
        print(f"{d.name}: {len(d.texts)} documents, corpus {len(d.corpus)} texts", flush=True)
        speed_texts = (d.texts * (args.speed_docs // len(d.texts) + 1))[: args.speed_docs]
        for name, make, timed in methods:
            fn = make(d)
            pred = fn(d.texts)
            f3 = keyword_scores(pred, d.golds, 3).f1
            f5 = keyword_scores(pred, d.golds, 5).f1
            speed = docs_per_second(fn, speed_texts, args.repeat) if timed else None
            results[(d.name, name)] = (f3, f5, speed)
            shown = f", {speed:,.0f} docs/s" if speed else ""
            print(f"  {name}: F1@3 {f3:.4f}, F1@5 {f5:.4f}{shown}", flush=True)

    print(f"\nSpeed over {args.speed_docs} documents of each set, best of {args.repeat}\n")
    head = " | ".join(f"{d.name} F1@3 | F1@5 | x jieba | docs/s" for d in sets)
    print(f"| method | {head} |")
    print("|---|" + "---:|---:|---:|---:|" * len(sets))
    for name, _, _ in methods:
        cells = []
        for d in sets:
            f3, f5, speed = results[(d.name, name)]
            base = results[(d.name, "jieba textrank" if "textrank" in name
                            else "jieba extract_tags")]
            cells.append(f"{f3:.4f} | {f5:.4f} | {f5 / base[1]:.2f} | "
                         + (f"{speed:,.0f}" if speed else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
