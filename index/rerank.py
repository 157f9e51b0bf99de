"""Optional second-stage ranking: a cross-encoder reads the question with each of the first candidates of hybrid
retrieval and reorders them. Off by default (no cross-encoder ships offline); enable it with a local
sentence-transformers CrossEncoder folder."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embed import Embedder
from index.errors import ModelError
from index.retrieve import HybridRetriever, RetrievalFilter, RetrievalParams, RetrievalResult, RetrievedPassage
from index.store import SearchIndex


class Reranker(Protocol):
    """Scores (question, passage text) pairs: higher is more relevant."""

    def score(self, question: str, texts: list[str]) -> list[float]: ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder loaded once, offline, from a local folder; one prediction at a time
    (a fast tokenizer refuses concurrent use, and a lock costs nothing next to the model's own time)."""

    def __init__(self, folder: Path | str, batch_size: int = 16, max_length: int = 512) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise ModelError(f"reranker model folder {self.folder} does not exist (BLUEBOOK_RERANKER_MODEL must "
                             "name a local sentence-transformers CrossEncoder folder)")
        if not (self.folder / "config.json").is_file():
            raise ModelError(f"reranker model folder {self.folder} has no config.json: it is not a saved "
                             "CrossEncoder (save one with CrossEncoder.save(folder))")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing file must never become a download
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import CrossEncoder  # heavy import, deferred to construction

        try:
            self._model = CrossEncoder(str(self.folder), device="cpu", max_length=max_length,
                                       local_files_only=True)
        except Exception as exc:  # the library raises many types; the user needs one clear message
            raise ModelError(f"cannot load the reranker model from {self.folder}: {type(exc).__name__}: {exc}"
                             ) from exc
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            scores = self._model.predict([(question, text) for text in texts], batch_size=self.batch_size,
                                         show_progress_bar=False, convert_to_numpy=True)
        scores = np.asarray(scores, dtype=np.float32)
        if scores.ndim == 2:  # a model with several labels: the last one is "relevant"
            scores = scores[:, -1]
        return [float(s) for s in scores]


class RerankingRetriever(HybridRetriever):
    """Hybrid retrieval, then the reranker over its first `top_n` candidates: the answering path does not change
    when reranking is switched on."""

    def __init__(self, index: SearchIndex, embedder: Embedder, reranker: Reranker, top_n: int = 20,
                 params: RetrievalParams | None = None) -> None:
        if top_n < 1:
            raise ValueError(f"top_n must be >= 1, got {top_n}")
        super().__init__(index, embedder, params)
        self.reranker = reranker
        self.top_n = top_n

    def search(self, query: str, top_k: int, *, language: str | None = None,
               query_vector: np.ndarray | None = None, filters: RetrievalFilter | None = None) -> RetrievalResult:
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        result = super().search(query, max(top_k, self.top_n), language=language, query_vector=query_vector,
                                filters=filters)
        return replace(result, passages=self.rerank(query, result.passages)[:top_k])

    def rerank(self, query: str, passages: list[RetrievedPassage]) -> list[RetrievedPassage]:
        """The first `top_n` passages by the reranker's score (ties keep the retrieval order), then the rest;
        a reranked passage's `score` is the reranker's."""
        head, tail = passages[: self.top_n], passages[self.top_n:]
        scores = self.reranker.score(query, [item.passage.text for item in head])
        order = sorted(range(len(head)), key=lambda i: (-scores[i], i))
        return [replace(head[i], score=scores[i]) for i in order] + tail
