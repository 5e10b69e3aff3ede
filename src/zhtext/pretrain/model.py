"""A pretrained masked language model as zhtext loads it back: fill in ``[MASK]``s."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhtext.errors import ZhtextError

__all__ = ["MaskedLanguageModel"]


@dataclass
class MaskedLanguageModel:
    """The output of ``zhtext pretrain mlm``: a Hugging Face encoder with its MLM head.

    ``--model DIR`` in ``classify train`` and ``tag train`` takes the same directory; this
    object is for looking at what the model learned.

    Attributes:
        path: The model directory.
        model_: The ``transformers`` masked-LM model (in evaluation mode).
        tokenizer_: Its tokenizer.
        metrics_: ``pretrain_metrics.json`` as written at the end of pretraining.

    Example:
        >>> mlm = zhtext.load("my-bert")  # doctest: +SKIP
        >>> mlm.fill_mask(["中国的首都是北[MASK]。"])[0][0][0]  # doctest: +SKIP
        '京'
    """

    path: Path
    model_: Any
    tokenizer_: Any
    metrics_: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> MaskedLanguageModel:
        """Load a pretrained model directory (no remote code, safetensors weights)."""
        import json

        from transformers import AutoModelForMaskedLM, BertTokenizerFast  # type: ignore[attr-defined]

        from zhtext.neural.training import quiet_transformers

        p = Path(path)
        with quiet_transformers(loading=True):
            model = AutoModelForMaskedLM.from_pretrained(str(p), trust_remote_code=False)
        model.eval()
        tokenizer = BertTokenizerFast.from_pretrained(str(p))
        metrics_file = p / "pretrain_metrics.json"
        metrics = json.loads(metrics_file.read_text(encoding="utf-8")) \
            if metrics_file.is_file() else {}
        return cls(path=p, model_=model, tokenizer_=tokenizer, metrics_=metrics)

    def fill_mask(self, texts: list[str], top_k: int = 5) -> list[list[list[str]]]:
        """For each text, for each ``[MASK]`` in it, the ``top_k`` likeliest tokens.

        Raises:
            ZhtextError: ``top_k`` is not positive.
        """
        if top_k < 1:
            raise ZhtextError(f"top_k must be at least 1, got {top_k}")
        import torch

        out: list[list[list[str]]] = []
        mask_id = self.tokenizer_.mask_token_id
        with torch.no_grad():
            for text in texts:
                enc = self.tokenizer_(text, return_tensors="pt", truncation=True)
                logits = self.model_(**enc).logits[0]
                where = (enc["input_ids"][0] == mask_id).nonzero().flatten().tolist()
                out.append([self.tokenizer_.convert_ids_to_tokens(
                    logits[i].topk(top_k).indices.tolist()) for i in where])
        return out
