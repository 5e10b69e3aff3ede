"""Topic models of a Chinese corpus: LDA (gensim) with the number of topics chosen by coherence."""

from __future__ import annotations

from zhtext.topics.lda import TopicModel

__all__ = ["TopicModel"]
