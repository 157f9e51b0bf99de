"""Deterministic stand-ins for the embedding model, for fast tests of everything around it."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np


class HashingEmbedder:
    """Embeds text as a normalised bag of hashed character bigrams: similar strings get similar vectors."""

    def __init__(self, dimension: int = 256, model_id: str = "fake-hashing", fingerprint: str = "fake-v1") -> None:
        self.dimension = dimension
        self.model_id = model_id
        self.fingerprint = fingerprint
        self.dtype = "float32"
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        text = unicodedata.normalize("NFKC", text).lower()
        vector = np.zeros(self.dimension, dtype=np.float32)
        for i in range(max(len(text) - 1, 1)):
            gram = text[i:i + 2]
            bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
            vector[bucket % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self.embed_query_vectors(texts)


def scripted_chat_model(*replies: str):  # type: ignore[no-untyped-def]
    """A chat model that answers with the given replies in turn (LangChain's own fake, no protocol mocked)."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    return FakeListChatModel(responses=list(replies))


def failing_chat_model(message: str = "connection refused"):  # type: ignore[no-untyped-def]
    """A chat model whose backend cannot be reached."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Unreachable(FakeListChatModel):
        def _call(self, *args: object, **kwargs: object) -> str:
            raise ConnectionError(message)

        def _stream(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            raise ConnectionError(message)

    return Unreachable(responses=["unused"])
