"""Embedding models behind one small interface (also a LangChain `Embeddings`)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import ModelError
from index.models import KNOWN_MODELS, MARKER_FILE, is_provisioned, provisioned_path


def resolve_model_location(model: str, models_dir: Path) -> str:
    """Where to load `model` from: a provisioned known model, a local folder, or a name for the local HF cache."""
    known = KNOWN_MODELS.get(model)
    if known is not None:
        if not is_provisioned(models_dir, known):
            raise ModelError(f"embedding model {model!r} is not provisioned in {models_dir}; "
                             "run `bluebook-qa models` (or `make models`) first")
        return str(provisioned_path(models_dir, known))
    return model


def model_fingerprint(location: str) -> str:
    """A checksum that changes when the model's weights change (recorded in the index manifest)."""
    folder = Path(location)
    marker = folder / MARKER_FILE
    if marker.is_file():
        return str(json.loads(marker.read_text()).get("weights_sha256", "unknown"))
    if folder.is_dir():
        digest = hashlib.sha256()
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(folder)}:{path.stat().st_size}".encode())
        return "files:" + digest.hexdigest()
    return "name:" + location


class SentenceTransformerEmbedder(Embeddings):
    """A sentence-transformers model loaded offline; uses the model's own query and document prompts."""

    def __init__(self, model: str, models_dir: Path, batch_size: int = 16) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.model_id = model
        self.location = resolve_model_location(model, models_dir)
        self.fingerprint = model_fingerprint(self.location)
        self.batch_size = batch_size
        # No model hub is reachable: never let a missing file turn into a download attempt.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # heavy import, deferred to construction

        try:
            self._model = SentenceTransformer(self.location, device="cpu")
        except Exception as exc:  # the library raises many types; the user needs one clear message
            raise ModelError(f"cannot load embedding model {model!r} from {self.location}: {exc}") from exc
        # sentence-transformers 6 renamed the method; accept both so older installs keep working
        get_dimension = (getattr(self._model, "get_embedding_dimension", None)
                         or self._model.get_sentence_embedding_dimension)
        dimension = get_dimension()
        if not dimension:
            raise ModelError(f"embedding model {model!r} does not report its dimension")
        self.dimension = int(dimension)

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode_query(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                           convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self._model.encode_document(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=show_progress)
        return np.asarray(vectors, dtype=np.float32)

    # LangChain's Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_document_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_vectors([text])[0].tolist()


class Embedder(Protocol):
    """What the index and retriever need of an embedding model."""

    model_id: str
    fingerprint: str
    dimension: int

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray: ...

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...
