"""Embedding models behind one small interface (also a LangChain `Embeddings`)."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from dataclasses import dataclass, field
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


EMBEDDING_DTYPES = ("float32", "bfloat16")
# CPU features with native bf16 arithmetic; elsewhere torch emulates bf16 and it is slower than fp32.
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_supports_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU computes in bf16 natively (Linux: its flags in /proc/cpuinfo)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return any(flag in flags for flag in BF16_CPU_FLAGS)
    return False


def resolve_embedding_dtype(setting: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The precision to run the model in: 'auto' is bf16 where the CPU supports it, else fp32."""
    if setting == "auto":
        return "bfloat16" if cpu_supports_bf16(cpuinfo) else "float32"
    if setting not in EMBEDDING_DTYPES:
        raise ValueError(f"embedding dtype must be 'auto' or one of {EMBEDDING_DTYPES}, got {setting!r}")
    return setting


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

    def __init__(self, model: str, models_dir: Path, batch_size: int = 16, dtype: str = "float32") -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if dtype not in EMBEDDING_DTYPES:
            raise ValueError(f"dtype must be one of {EMBEDDING_DTYPES}, got {dtype!r}")
        self.model_id = model
        self.dtype = dtype
        self.location = resolve_model_location(model, models_dir)
        self.fingerprint = model_fingerprint(self.location)
        self.batch_size = batch_size
        # No model hub is reachable: never let a missing file turn into a download attempt.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer  # heavy import, deferred to construction

        try:
            self._model = SentenceTransformer(self.location, device="cpu")
            if dtype == "bfloat16":
                # Measured on EmbeddingGemma: a query in ~0.65x the fp32 time, cosine 1.000 to the fp32 vector.
                self._model.to(torch.bfloat16)
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
    dtype: str  # the precision the model computes in; an index is built and searched with one


    def embed_query_vectors(self, texts: list[str]) -> np.ndarray: ...

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...


@dataclass
class _EmbeddingJob:
    texts: list[str]
    kind: str  # "query" (may share a batch with other queries) or "document" (runs alone)
    show_progress: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    vectors: np.ndarray | None = None
    error: BaseException | None = None


_STOP = _EmbeddingJob(texts=[], kind="stop")


class BatchingEmbedder(Embeddings):
    """The one owner of an embedding model and its tokenizer: a single worker thread embeds for every caller.

    Callers wait on a bounded queue (memory stays flat however many requests arrive); queries that are waiting
    when the worker becomes free are embedded together in one batch of at most `max_batch` texts, which on a CPU
    costs far less than embedding them one after another. A lone query is embedded at once: nothing waits for
    company. Neither the model nor its tokenizer (HF fast tokenizers raise "Already borrowed" when two threads
    use one) is ever touched by two threads."""

    def __init__(self, model: Embedder, max_batch: int = 16, max_waiting: int = 64) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {max_batch}")
        if max_waiting < 1:
            raise ValueError(f"max_waiting must be >= 1, got {max_waiting}")
        self.model = model
        self.model_id = model.model_id
        self.fingerprint = model.fingerprint
        self.dimension = model.dimension
        self.dtype = model.dtype
        self.max_batch = max_batch
        self.batch_sizes: list[int] = []  # recent batch sizes, for tests and the benchmark (bounded below)
        self._queue: queue.Queue[_EmbeddingJob] = queue.Queue(maxsize=max_waiting)
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="embedding-worker", daemon=True)
        self._worker.start()

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        return self._submit(_EmbeddingJob(texts=list(texts), kind="query"))

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._submit(_EmbeddingJob(texts=list(texts), kind="document", show_progress=show_progress))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_document_vectors(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_vectors([text])[0].tolist()

    def close(self) -> None:
        """Stop the worker after the jobs already queued."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._worker.join(timeout=60)

    def _submit(self, job: _EmbeddingJob) -> np.ndarray:
        if not job.texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._closed:
            raise RuntimeError("the embedding worker is closed")
        self._queue.put(job)  # blocks while max_waiting jobs wait: back-pressure instead of a growing backlog
        job.done.wait()
        if job.error is not None:
            raise job.error
        if job.vectors is None:
            raise RuntimeError("the embedding worker stopped before embedding these texts")
        return job.vectors

    def _run(self) -> None:
        carried: _EmbeddingJob | None = None
        while True:
            job = carried or self._queue.get()
            carried = None
            if job is _STOP:
                return
            if job.kind == "document":
                self._embed([job])
                continue
            batch, count = [job], len(job.texts)
            while count < self.max_batch:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting.kind != "query" or count + len(waiting.texts) > self.max_batch:
                    carried = waiting  # next round, in order
                    break
                batch.append(waiting)
                count += len(waiting.texts)
            self._embed(batch)

    def _embed(self, batch: list[_EmbeddingJob]) -> None:
        try:
            texts = [text for job in batch for text in job.texts]
            if batch[0].kind == "document":
                vectors = self.model.embed_document_vectors(texts, show_progress=batch[0].show_progress)
            else:
                vectors = self.model.embed_query_vectors(texts)
            self.batch_sizes = [*self.batch_sizes[-999:], len(texts)]
            offset = 0
            for job in batch:
                job.vectors = np.asarray(vectors[offset:offset + len(job.texts)], dtype=np.float32)
                offset += len(job.texts)
        except Exception as exc:  # handed to the waiting callers, who raise it
            for job in batch:
                job.error = exc
        finally:
            for job in batch:
                job.done.set()
