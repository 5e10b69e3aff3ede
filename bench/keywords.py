"""zhtext keywords against jieba.analyse on CSL papers: quality (F1@5) and speed, one run.

Usage:
    python bench/keywords.py [--data ../shared/data] [--repeat 3]

Quality: micro F1@5 against the author keywords of `csl_benchmark/kg/dev.tsv` (text_a =
abstract + title, gold = text_b split on "_"). Speed: documents per second of each method
over the same documents in one process, after a warm-up, best of `--repeat` passes.
Ratios are zhtext / jieba measured in this same run.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from pathlib import Path

from zhtext.evaluate.keywords import keyword_scores
from zhtext.io.gold import read_gold
from zhtext.keywords import get_extractor

HERE = Path(__file__).resolve().parent


def docs_per_second(fn: Callable[[list[str]], object], texts: list[str], repeat: int) -> float:
    fn(texts[:20])  # warm-up: dictionaries, IDF tables, caches
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--speed-docs", type=int, default=1000,
                    help="documents per timed pass (the dev set, cycled)")
    args = ap.parse_args()

    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    gold_path = args.data / "csl_benchmark" / "kg" / "dev.tsv"
    gold = list(read_gold(gold_path))
    texts = [g.text for g in gold]
    golds = [g.keywords for g in gold]
    speed_texts = (texts * (args.speed_docs // len(texts) + 1))[: args.speed_docs]

    def f1(pred: list[list[str]]) -> float:
        return keyword_scores(pred, golds, 5).f1

    zt_default = get_extractor("tfidf")
    zt_words = get_extractor("tfidf", phrases=False)
    zt_rank = get_extractor("textrank")

    rows: list[tuple[str, float, float]] = []

    def run(name: str, fn: Callable[[list[str]], list[list[str]]]) -> None:
        quality = f1(fn(texts))
        speed = docs_per_second(fn, speed_texts, args.repeat)
        rows.append((name, quality, speed))
        print(f"  measured {name}: F1@5 {quality:.4f}, {speed:,.0f} docs/s", flush=True)

    run("jieba extract_tags", lambda xs: [jieba.analyse.extract_tags(x, topK=5) for x in xs])
    run("jieba textrank", lambda xs: [jieba.analyse.textrank(x, topK=5) for x in xs])
    run("zhtext tfidf (default)",
        lambda xs: [[k.text for k in r] for r in zt_default.extract(xs, 5)])
    run("zhtext tfidf --no-phrases",
        lambda xs: [[k.text for k in r] for r in zt_words.extract(xs, 5)])
    run("zhtext textrank", lambda xs: [[k.text for k in r] for r in zt_rank.extract(xs, 5)])

    # Corpus statistics fitted on other CSL papers (the category task's training titles: not
    # the evaluation papers, whose abstracts the ts/cls dev files repeat).
    titles_path = args.data / "csl_benchmark" / "cls_ctg" / "train.tsv"
    titles = [r.split("\t")[1] for r in titles_path.read_text(encoding="utf-8").splitlines()
              if r.strip()]
    fitted = get_extractor("tfidf").fit(titles)
    extra = [("zhtext tfidf, IDF fitted on 8,000 other CSL titles",
              f1([[k.text for k in r] for r in fitted.extract(texts, 5)]))]
    w2v = get_extractor("textrank", embeddings="word2vec").fit(titles)
    extra.append(("zhtext textrank + word2vec trained on the same 8,000 titles",
                  f1([[k.text for k in r] for r in w2v.extract(texts, 5)])))

    by = {name: (q, s) for name, q, s in rows}
    jt, jr = by["jieba extract_tags"], by["jieba textrank"]
    print(f"\nCSL kg dev: {len(texts)} papers, speed over {len(speed_texts)} documents, "
          f"best of {args.repeat}\n")
    print("| method | F1@5 | x jieba (quality) | docs/s | x jieba (speed) |")
    print("|---|---:|---:|---:|---:|")
    for name, q, s in rows:
        base = jr if "textrank" in name else jt
        print(f"| {name} | {q:.4f} | {q / base[0]:.2f} | {s:,.0f} | {s / base[1]:.1f} |")
    for name, q in extra:
        base = jr if "textrank" in name else jt
        print(f"| {name} | {q:.4f} | {q / base[0]:.2f} | | |")


if __name__ == "__main__":
    main()
