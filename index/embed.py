"""Embedding models behind one small interface (also a LangChain `Embeddings`)."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
import time
from collections import deque
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


def release_tokenizer_sources(tokenizer: object) -> None:
    """Drop the Python copies of the vocabulary and merges a transformers 5 tokenizer keeps after building its Rust
    tokenizer from them (`_vocab`, `_merges`; for EmbeddingGemma's 262k tokens measured 140 MB of resident memory).
    Encoding uses only the Rust tokenizer; these copies would serve saving or extending the vocabulary, which the
    service never does. Set to None rather than deleted, so any later use fails loudly instead of silently."""
    for name in ("_vocab", "_merges"):
        if getattr(tokenizer, name, None) is not None:
            setattr(tokenizer, name, None)
    init_kwargs = getattr(tokenizer, "init_kwargs", None)
    if isinstance(init_kwargs, dict):
        for name in ("vocab", "merges"):
            init_kwargs.pop(name, None)


class SentenceTransformerEmbedder(Embeddings):
    """A sentence-transformers model loaded offline; uses the model's own query and document prompts.

    With `pack_queries`, questions are embedded in packed rows without padding where the model allows it
    (index/packing.py: measured 0.81x the CPU of a padded batch of 16).

    With `table_from_file`, the token embedding table is read from the weights file row by row instead of held in
    memory (index/token_table.py: 384 MB less for EmbeddingGemma in bf16, identical vectors).

    Token sequences are padded to a multiple of `pad_to_multiple_of` (the attention mask hides the padding): the
    CPU kernels (oneDNN) and the allocator keep per-shape state, and a bounded set of shapes keeps the process's
    memory flat under load (measured: 200 batches of distinct shapes grew it by 380 MB, bucketed shapes by 40 MB)."""

    def __init__(self, model: str, models_dir: Path, batch_size: int = 16, dtype: str = "float32",
                 pad_to_multiple_of: int = 1, table_from_file: bool = False, pack_queries: bool = False) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if pad_to_multiple_of < 1:
            raise ValueError(f"pad_to_multiple_of must be >= 1, got {pad_to_multiple_of}")
        if dtype not in EMBEDDING_DTYPES:
            raise ValueError(f"dtype must be one of {EMBEDDING_DTYPES}, got {dtype!r}")
        self.model_id = model
        self.dtype = dtype
        self.location = resolve_model_location(model, models_dir)
        self.fingerprint = model_fingerprint(self.location)
        self.batch_size = batch_size
        self.pad_to_multiple_of = pad_to_multiple_of
        # No model hub is reachable: never let a missing file turn into a download attempt.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer  # heavy import, deferred to construction

        try:
            # Loaded straight into the target precision: no fp32 copy of the weights is ever made and converted.
            # bf16 measured on EmbeddingGemma: a query in ~0.65x the fp32 time, cosine 1.000 to the fp32 vector.
            self._model = SentenceTransformer(self.location, device="cpu",
                                              model_kwargs={"dtype": getattr(torch, dtype)})
        except Exception as exc:  # the library raises many types; the user needs one clear message
            raise ModelError(f"cannot load embedding model {model!r} from {self.location}: {exc}") from exc
        release_tokenizer_sources(self._model.tokenizer)
        self.table_from_file = False
        if table_from_file:
            from index.token_table import read_table_from_file

            transformer = self._model[0]
            auto_model = getattr(transformer, "auto_model", None)
            if auto_model is not None:
                self.table_from_file = read_table_from_file(auto_model, Path(self.location))
        self._packed = None
        if pack_queries:
            from index.packing import PackedQueryEncoder, can_pack

            if can_pack(self._model):
                self._packed = PackedQueryEncoder(self._model, self._model.prompts.get("query", ""))
        self._encode_options: dict[str, object] = (
            {"processing_kwargs": {"text": {"pad_to_multiple_of": pad_to_multiple_of}}} if pad_to_multiple_of > 1
            else {})
        # sentence-transformers 6 renamed the method; accept both so older installs keep working
        get_dimension = (getattr(self._model, "get_embedding_dimension", None)
                         or self._model.get_sentence_embedding_dimension)
        dimension = get_dimension()
        if not dimension:
            raise ModelError(f"embedding model {model!r} does not report its dimension")
        self.dimension = int(dimension)

    @property
    def packs_queries(self) -> bool:
        """Whether questions are embedded in packed rows (index/packing.py) rather than padded batches."""
        return self._packed is not None

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        if self._packed is not None and texts:
            try:
                return self._packed.encode(texts)
            except ValueError:  # a question longer than packing allows: the padded batch below
                pass
        vectors = self._model.encode_query(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                           convert_to_numpy=True, show_progress_bar=False, **self._encode_options)
        return np.asarray(vectors, dtype=np.float32)

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self._model.encode_document(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=show_progress,
                                              **self._encode_options)
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


def batch_sizes_up_to(max_batch: int) -> tuple[int, ...]:
    """The batch sizes the worker runs: powers of two below `max_batch`, and `max_batch` itself."""
    sizes = [1 << power for power in range(max_batch.bit_length()) if 1 << power < max_batch]
    return (*sizes, max_batch)


class BatchingEmbedder(Embeddings):
    """The one owner of an embedding model and its tokenizer: a single worker thread embeds for every caller.

    Callers wait on a bounded queue (memory stays flat however many requests arrive); queries that are waiting
    when the worker becomes free are embedded together in one batch of at most `max_batch` texts, which on a CPU
    costs far less than embedding them one after another. A lone query is embedded at once: nothing waits for
    company. Neither the model nor its tokenizer (HF fast tokenizers raise "Already borrowed" when two threads
    use one) is ever touched by two threads.

    With `fixed_sizes` (for padded batches), query batches come in a few sizes only (`batch_sizes_up_to`: 1, 2, 4,
    8, 16): with 11 questions waiting, 8 go now and 3 join the next batch; with 14, the batch is filled up to 16
    with copies of the last question (their vectors are dropped). Like the model's padded token lengths, this
    bounds the shapes the CPU kernels and the allocator keep state for, which otherwise grows with every new shape.
    A model that packs questions into rows of bucketed lengths bounds its shapes itself and takes any size.

    With `gather_seconds`, a batch under concurrent load (the previous batch held more than one text) waits up to
    that long for more questions before it runs: each forward pass has a fixed cost (the weights stream through the
    CPU once per pass), so fuller batches cost less per question."""

    # Fill a batch up to the next size when at least this share of it is real questions; else run a smaller one.
    FILL_SHARE = 0.75

    def __init__(self, model: Embedder, max_batch: int = 16, max_waiting: int = 64,
                 fixed_sizes: bool = True, gather_seconds: float = 0.0) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {max_batch}")
        if max_waiting < 1:
            raise ValueError(f"max_waiting must be >= 1, got {max_waiting}")
        if gather_seconds < 0:
            raise ValueError(f"gather_seconds must be >= 0, got {gather_seconds}")
        self.gather_seconds = gather_seconds
        self.model = model
        self.model_id = model.model_id
        self.fingerprint = model.fingerprint
        self.dimension = model.dimension
        self.dtype = model.dtype
        self.max_batch = max_batch
        # A model that packs questions into rows of bucketed lengths bounds its shapes itself: any batch size.
        self.sizes = batch_sizes_up_to(max_batch) if fixed_sizes else tuple(range(1, max_batch + 1))
        self.batch_sizes: list[int] = []  # recent batch sizes as run (with fill), for tests and the benchmark
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

    def batch_size_for(self, waiting: int) -> int:
        """How many texts the next batch holds (real and filled) when `waiting` query texts wait."""
        if waiting >= self.max_batch:
            return self.max_batch
        larger = next(size for size in self.sizes if size >= waiting)
        if waiting >= self.FILL_SHARE * larger:
            return larger
        return max(size for size in self.sizes if size <= waiting)

    def _run(self) -> None:
        pending: deque[_EmbeddingJob] = deque()  # queries taken from the queue, in order of arrival
        carried: _EmbeddingJob | None = None  # a document job or the stop: runs after the queries before it
        while True:
            if not pending:
                job = carried or self._queue.get()
                carried = None
                if job is _STOP:
                    return
                if job.kind == "document":
                    self._embed([job])
                    continue
                pending.append(job)
            waiting = sum(len(job.texts) for job in pending)
            # Under concurrent load (the last batch held several texts), wait a moment for the questions that are
            # on their way: fewer, fuller batches. A lone client's question never waits.
            concurrent = bool(self.batch_sizes) and self.batch_sizes[-1] > 1
            gather_until = time.perf_counter() + (self.gather_seconds if concurrent else 0.0)
            while carried is None and waiting < self.max_batch:
                try:
                    left = gather_until - time.perf_counter()
                    job = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if job.kind == "query":
                    pending.append(job)
                    waiting += len(job.texts)
                else:
                    carried = job
            size = self.batch_size_for(waiting)
            batch = [pending.popleft()]
            count = len(batch[0].texts)
            while pending and count + len(pending[0].texts) <= size:
                count += len(pending[0].texts)
                batch.append(pending.popleft())
            # A job of several texts may overshoot a size: fill up to the next one (past max_batch, run as is).
            self._embed(batch, fill_to=next((s for s in self.sizes if s >= count), count))

    def _embed(self, batch: list[_EmbeddingJob], fill_to: int = 0) -> None:
        try:
            texts = [text for job in batch for text in job.texts]
            if batch[0].kind == "document":
                vectors = self.model.embed_document_vectors(texts, show_progress=batch[0].show_progress)
            else:
                filled = texts + [texts[-1]] * (fill_to - len(texts))
                vectors = self.model.embed_query_vectors(filled)
                texts = filled
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
