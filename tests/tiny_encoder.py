"""A tiny random BERT built offline, saved like a hub model (for tests)."""

from __future__ import annotations

from pathlib import Path


def build_tiny_encoder(path: Path, texts: list[str]) -> Path:
    """A tiny random BERT with a character vocabulary from ``texts``, saved like a hub model."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    chars = sorted({c for t in texts for c in t if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # The vocabulary file goes in positionally: transformers 5 names the argument `vocab` (and
    # ignores `vocab_file=`, leaving only the special tokens), 4.x names it `vocab_file`.
    tokenizer = BertTokenizerFast(str(path / "vocab.txt"), do_lower_case=False,
                                  tokenize_chinese_chars=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    import torch

    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
