"""zhtext topics against scikit-learn LDA on Sina news; --k auto; People's Daily timing.

Usage:
    python bench/topics.py [--data ../shared/data] [--skip-auto] [--skip-pku]

1. `sina_news_800` (800 articles, 8 categories), k = 8, seeds 0, 1, 2: NMI between each
   document's main topic and its category, for zhtext's TopicModel (defaults) and for
   scikit-learn's LatentDirichletAllocation with default settings but n_components=8 on jieba
   tokens (CountVectorizer defaults), in the same run.
2. `--k auto` on the same corpus, sweeping k = 2..20: the chosen k and the coherence curve.
3. People's Daily 1998 text (tags stripped), k = 20: wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from sklearn.metrics import normalized_mutual_info_score as nmi

from zhtext.topics import TopicModel

HERE = Path(__file__).resolve().parent


def sklearn_baseline(texts: list[str], labels: list[str], seed: int) -> float:
    import jieba
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    x = CountVectorizer(tokenizer=jieba.lcut, token_pattern=None).fit_transform(texts)
    lda = LatentDirichletAllocation(n_components=8, random_state=seed)
    return float(nmi(labels, lda.fit_transform(x).argmax(axis=1)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--skip-auto", action="store_true")
    ap.add_argument("--skip-pku", action="store_true")
    args = ap.parse_args()
    import jieba

    jieba.setLogLevel(40)
    rows = [json.loads(line) for line in
            (args.data / "sina_news_800" / "data.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["content"] for r in rows]
    labels = [r["type"] for r in rows]

    print("| seed | zhtext TopicModel NMI | sklearn LDA NMI | zhtext fit time |")
    print("|---:|---:|---:|---:|")
    ours, base = [], []
    for seed in (0, 1, 2):
        t = time.perf_counter()
        m = TopicModel(k=8, seed=seed).fit(texts)
        dt = time.perf_counter() - t
        ours.append(float(nmi(labels, [d[0][0] for d in m.doc_topics_])))
        base.append(sklearn_baseline(texts, labels, seed))
        print(f"| {seed} | {ours[-1]:.3f} | {base[-1]:.3f} | {dt:.1f} s |", flush=True)
    print(f"| mean | {sum(ours) / 3:.3f} | {sum(base) / 3:.3f} | |")

    if not args.skip_auto:
        t = time.perf_counter()
        m = TopicModel(k="auto", k_range=(2, 20), seed=0).fit(texts)
        print(f"\n--k auto (2..20): chosen k = {m.k_} in {time.perf_counter() - t:.0f} s; "
              f"NMI {nmi(labels, [d[0][0] for d in m.doc_topics_]):.3f}")
        print("coherence curve: " + ", ".join(f"{k}:{c:.3f}" for k, c in m.curve_))

    if not args.skip_pku:
        lines = (args.data / "pku_peoples_daily_199801" / "199801.utf8.txt").read_text(
            encoding="utf-8").splitlines()
        docs = ["".join(tok.rsplit("/", 1)[0].strip("[") for tok in line.split()[1:])
                for line in lines if line.strip()]
        t = time.perf_counter()
        m = TopicModel(k=20, seed=0).fit(docs)
        dt = time.perf_counter() - t
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        print(f"\nPeople's Daily 1998: {len(docs):,} paragraphs, k = 20: {dt:.0f} s, "
              f"peak RSS (largest process) {peak:.0f} MiB")


if __name__ == "__main__":
    main()
