"""Query batches packed into rows without padding: several questions share a row, each attending only to itself.

A padded batch computes every question at the length of the longest (questions here are 14-54 tokens with the
query prompt, so a batch of 16 padded to its longest is ~1.45x the real tokens); on a CPU the model costs about the
same per token whatever the batch, so padding is wasted work. Packing puts the questions end to end in rows of
`ROW_TOKENS` (longest first, first fit), with a block-diagonal attention mask and positions restarting at each
question, then mean-pools each question's tokens and runs the model's modules after pooling (Dense, Normalize):
the same arithmetic as the padded batch on the tokens that matter. Row lengths come from a few buckets, so the
CPU kernels see a bounded set of shapes (see `SentenceTransformerEmbedder`).

Used for models whose pipeline is Transformer -> mean Pooling (prompt included) -> any modules after pooling,
whose transformer takes a ready 4-D mask per attention kind (Gemma 3: full and sliding) and uses SDPA; other
models keep the padded path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

# Rows of two or three questions: attention over a row grows with its square, and 64 measured 0.96x the CPU of
# 128 and 0.75x of 512 per question (batches of 16 dev questions, bf16).
ROW_TOKENS = 64


def bucket_length(tokens: int) -> int:
    """Row length for `tokens` real tokens: multiples of 8 up to 64, of 16 up to 128, then of 64."""
    for limit, step in ((64, 8), (128, 16)):
        if tokens <= limit:
            return -(-tokens // step) * step
    return -(-tokens // 64) * 64


@dataclass(frozen=True)
class Packing:
    rows: list[list[int]]  # the texts (by index) in each row, in order
    row_length: int


def pack(lengths: list[int], row_tokens: int = ROW_TOKENS) -> Packing:
    """Texts of `lengths` tokens into rows: one row when they fit in `row_tokens` together, else first fit, longest
    first, into rows of `row_tokens` (or of the longest text, when longer)."""
    total = sum(lengths)
    if total <= row_tokens:
        return Packing(rows=[list(range(len(lengths)))], row_length=bucket_length(total))
    capacity = max(row_tokens, bucket_length(max(lengths)))
    rows: list[list[int]] = []
    free: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        for row, space in enumerate(free):
            if lengths[index] <= space:
                rows[row].append(index)
                free[row] -= lengths[index]
                break
        else:
            rows.append([index])
            free.append(capacity - lengths[index])
    return Packing(rows=rows, row_length=capacity)


def can_pack(model: Any) -> bool:
    """Whether `model` (a SentenceTransformer) has the pipeline packing reproduces."""
    try:
        transformer, pooling = model[0], model[1]
        auto_model = transformer.auto_model
    except (AttributeError, IndexError, KeyError, TypeError):
        return False
    config = getattr(auto_model, "config", None)
    pooling_modes = getattr(pooling, "pooling_mode", None) or getattr(pooling, "get_pooling_mode_str", lambda: "")()
    return (type(pooling).__name__ == "Pooling" and pooling_modes == "mean"
            and getattr(pooling, "include_prompt", True)
            and getattr(config, "_attn_implementation", None) == "sdpa"
            and getattr(config, "model_type", None) == "gemma3_text"
            and bool(getattr(config, "use_bidirectional_attention", False))
            and getattr(transformer, "tokenizer", None) is not None)


class PackedQueryEncoder:
    """Embeds questions with a SentenceTransformer in packed rows (see the module's docstring)."""

    def __init__(self, model: Any, prompt: str, row_tokens: int = ROW_TOKENS) -> None:
        self.model = model
        self.row_tokens = row_tokens
        self.prompt = prompt
        self.transformer = model[0]
        self.auto_model = self.transformer.auto_model
        self.tokenizer = self.transformer.tokenizer
        self.after_pooling = [model[i] for i in range(2, len(model))]
        self.max_length = int(model.max_seq_length or 2048)
        self.window = int(getattr(self.auto_model.config, "sliding_window", 0) or 0)
        self.pad_id = int(self.tokenizer.pad_token_id or 0)

    def encode(self, texts: list[str]) -> np.ndarray:
        ids = self.tokenizer([self.prompt + text for text in texts], truncation=True,
                             max_length=self.max_length)["input_ids"]
        lengths = [len(row) for row in ids]
        # Within a text shorter than the sliding window, sliding and full attention see the same tokens, so one
        # block mask serves both kinds of layer; a longer text would need the window inside its block.
        if self.window and max(lengths) > self.window:
            raise ValueError("a question longer than the sliding window cannot be packed")
        packing = pack(lengths, self.row_tokens)
        width = packing.row_length
        input_ids = torch.full((len(packing.rows), width), self.pad_id, dtype=torch.long)
        positions = torch.zeros((len(packing.rows), width), dtype=torch.long)
        segments = torch.zeros((len(packing.rows), width), dtype=torch.long)  # 0 = padding, i + 1 = text i
        spans: list[tuple[int, int, int]] = [(0, 0, 0)] * len(texts)  # row, start, end of each text
        for row, members in enumerate(packing.rows):
            start = 0
            for text in members:
                end = start + lengths[text]
                input_ids[row, start:end] = torch.tensor(ids[text])
                positions[row, start:end] = torch.arange(lengths[text])
                segments[row, start:end] = text + 1
                spans[text] = (row, start, end)
                start = end
        # Each token attends to the tokens of its own text (padding to padding, so no row of the mask is empty).
        mask = (segments[:, None, :, None] == segments[:, None, None, :])
        with torch.inference_mode():
            hidden = self.auto_model(input_ids=input_ids, position_ids=positions,
                                     attention_mask={"full_attention": mask, "sliding_attention": mask}
                                     ).last_hidden_state
            pooled = torch.stack([hidden[row, start:end].sum(dim=0) / (end - start) for row, start, end in spans])
            features: dict[str, Any] = {"sentence_embedding": pooled}
            for module in self.after_pooling:
                features = module(features)
            vectors = features["sentence_embedding"].float()
            vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
        return vectors.numpy()
