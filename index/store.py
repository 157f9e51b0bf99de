"""The index folder on disk: a JSON manifest beside FAISS, passages and BM25 tokens. No pickle anywhere."""

from __future__ import annotations

import bisect
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.bm25 import BM25
from index.chunk import Passage, Span
from index.errors import IndexBusyError, IndexMismatchError, IndexNotBuiltError

FORMAT_VERSION = 2  # 2: sentences carry their content-word lemmas
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.jsonl"
DENSE_INDEX = "dense.faiss"
BM25_TOKENS = "bm25_tokens.json"
SENTENCES = "sentences.jsonl"
SENTENCE_VECTORS = "sentence_vectors.npy"


@dataclass
class Manifest:
    """What an index was built from; a loader compares it with the configuration."""

    format_version: int
    embedding_model: str
    embedding_fingerprint: str
    dimension: int
    normalised: bool
    faiss_index_type: str
    chunking: dict[str, Any]
    tokenizer: str
    corpus: dict[str, str]  # doc_id -> sha256 of the source file
    build_seconds: float
    built_at: str
    passages: int
    extra: dict[str, Any] = field(default_factory=dict)
    embedding_dtype: str = "float32"  # the model's precision at build time; indexes without it were all fp32


@dataclass
class StoredDocument:
    """A document's cleaned text (what citations point into) and its metadata."""

    doc_id: str
    title: str
    source: str  # the file's path inside the corpus folder
    text: str
    year: int | None = None
    format: str = "text"  # "pdf" | "html" | "markdown" | "text"
    source_url: str | None = None
    content_sha256: str = ""
    page_starts: list[list[int]] = field(default_factory=list)  # [offset in text, 1-based page] where pages begin
    page_labels: dict[str, str] = field(default_factory=dict)  # page (a JSON key, so a string) -> printed label

    def page_at(self, offset: int) -> tuple[int | None, str | None]:
        """(page, printed label) of the character at `offset`; (None, None) for documents without pages."""
        if not self.page_starts:
            return None, None
        position = bisect.bisect_right([start for start, _ in self.page_starts], offset) - 1
        page = self.page_starts[max(position, 0)][1]
        return page, self.page_labels.get(str(page))


@dataclass
class SearchIndex:
    """Everything retrieval and answering need, loaded in memory."""

    manifest: Manifest
    documents: dict[str, StoredDocument]
    passages: list[Passage]
    dense: faiss.Index
    bm25: BM25
    sentences: list[tuple[str, Span]]  # (doc_id, span), in the order of sentence_vectors
    sentence_vectors: np.ndarray
    # Content-word lemmas of each sentence, aligned with `sentences`, computed once at index time so that no
    # request tags passage text: with its section path (what a question's words are matched against) and alone
    # (what a follow-up compares with the previous answer).
    sentence_terms: list[frozenset[str]] = field(default_factory=list)
    sentence_own_terms: list[frozenset[str]] = field(default_factory=list)

    def passage_by_id(self, passage_id: str) -> Passage | None:
        return self._by_id.get(passage_id)

    def __post_init__(self) -> None:
        self._by_id = {p.passage_id: p for p in self.passages}
        self.sentence_row = {(doc_id, span.start, span.end): row for row, (doc_id, span) in enumerate(self.sentences)}


def build_faiss_index(vectors: np.ndarray, index_type: str) -> faiss.Index:
    """Inner product over normalised vectors; flat is exact and right for small corpora, HNSW for large ones."""
    dimension = vectors.shape[1]
    if index_type == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
    else:
        raise ValueError(f"faiss index type must be 'flat' or 'hnsw', got {index_type!r}")
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_index(target: Path, manifest: Manifest, documents: list[StoredDocument], passages: list[Passage],
                dense: faiss.Index, bm25_tokens: list[list[str]], sentences: list[tuple[str, Span]],
                sentence_vectors: np.ndarray, sentence_terms: list[tuple[list[str], list[str]]]) -> None:
    """Write into a fresh sibling folder, then swap it into place: a crash never leaves half an index.
    `sentence_terms` holds, per sentence, its lemmas with its section path and alone."""
    if len(sentence_terms) != len(sentences):
        raise ValueError(f"sentence_terms has {len(sentence_terms)} rows for {len(sentences)} sentences")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.building")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    with (staging / DOCUMENTS).open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps(asdict(document), ensure_ascii=False) + "\n")
    with (staging / PASSAGES).open("w", encoding="utf-8") as handle:
        for passage in passages:
            handle.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")
    with (staging / SENTENCES).open("w", encoding="utf-8") as handle:
        for (doc_id, span), (terms, own_terms) in zip(sentences, sentence_terms, strict=True):
            handle.write(json.dumps({"doc_id": doc_id, "start": span.start, "end": span.end, "terms": terms,
                                     "own_terms": own_terms}, ensure_ascii=False) + "\n")
    np.save(staging / SENTENCE_VECTORS, np.ascontiguousarray(sentence_vectors, dtype=np.float32), allow_pickle=False)
    (staging / BM25_TOKENS).write_text(json.dumps(bm25_tokens, ensure_ascii=False), encoding="utf-8")
    faiss.write_index(dense, str(staging / DENSE_INDEX))
    # The manifest is written last: a folder with a manifest is complete.
    (staging / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
    swap_into_place(staging, target)


def previous_folder(target: Path) -> Path:
    """Where the last index waits while a new one is swapped in."""
    return target.with_name(f".{target.name}.previous")


def recover_interrupted_swap(target: Path) -> None:
    """A build killed between its two renames left the last index as `.previous` and none in place: put it back."""
    previous = previous_folder(target)
    if not target.exists() and (previous / MANIFEST).is_file():
        previous.rename(target)


def swap_into_place(staging: Path, target: Path) -> None:
    """Two renames, each atomic. Whenever `target` is missing, `.previous` is complete (it is only ever deleted
    while `target` exists), so a kill at any point leaves an index that `resolve_index_folder` finds."""
    recover_interrupted_swap(target)
    previous = previous_folder(target)
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    if previous.exists():
        shutil.rmtree(previous)


def resolve_index_folder(folder: Path) -> Path:
    """The folder to load: `folder`, or the last complete index when a build was killed mid-swap."""
    if not (folder / MANIFEST).is_file() and (previous_folder(folder) / MANIFEST).is_file():
        return previous_folder(folder)
    return folder


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Hold the index folder's build lock, or raise IndexBusyError at once if another build holds it.
    An flock is released by the kernel when its holder dies, so a killed build never leaves a stale lock."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(target)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexBusyError(f"another `bluebook-qa index` (pid {holder}) is building the index at {target}; "
                                 "wait for it to finish and run the command again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def read_manifest(folder: Path) -> Manifest:
    path = resolve_index_folder(folder) / MANIFEST
    if not path.is_file():
        raise IndexNotBuiltError(f"no index at {folder}; run `bluebook-qa index` to build it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise IndexMismatchError(f"the index manifest at {path} is unreadable ({exc}); "
                                 "run `bluebook-qa index --force` to rebuild it") from exc


def check_manifest(manifest: Manifest, *, embedding_model: str, embedding_fingerprint: str | None,
                   embedding_dtype: str | None = None) -> None:
    """Refuse an index built with another format, model or model precision, saying how to rebuild."""
    rebuild = "run `bluebook-qa index --force` to rebuild it"
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(f"the index has format version {manifest.format_version}, this program reads "
                                 f"{FORMAT_VERSION}; {rebuild}")
    if manifest.embedding_model != embedding_model:
        raise IndexMismatchError(f"the index was built with embedding model {manifest.embedding_model!r} but "
                                 f"{embedding_model!r} is configured; {rebuild}")
    if embedding_fingerprint is not None and manifest.embedding_fingerprint != embedding_fingerprint:
        built, configured = manifest.embedding_fingerprint[:16], embedding_fingerprint[:16]
        raise IndexMismatchError(f"the index was built with other weights of {embedding_model!r} "
                                 f"({built}… vs {configured}…); {rebuild}")
    if embedding_dtype is not None and manifest.embedding_dtype != embedding_dtype:
        raise IndexMismatchError(f"the index was built with {manifest.embedding_dtype} embeddings but the model runs "
                                 f"in {embedding_dtype} (BLUEBOOK_EMBEDDING_DTYPE); {rebuild}")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_index(folder: Path, *, embedding_model: str, embedding_fingerprint: str | None,
               embedding_dtype: str | None = None) -> SearchIndex:
    """Load and check an index folder."""
    folder = resolve_index_folder(folder)
    manifest = read_manifest(folder)
    check_manifest(manifest, embedding_model=embedding_model, embedding_fingerprint=embedding_fingerprint,
                   embedding_dtype=embedding_dtype)
    try:
        documents = {row["doc_id"]: StoredDocument(**row) for row in _read_jsonl(folder / DOCUMENTS)}
        passages = [Passage(**{**row, "section_path": tuple(row["section_path"])})
                    for row in _read_jsonl(folder / PASSAGES)]
        sentence_rows = _read_jsonl(folder / SENTENCES)
        sentences = [(row["doc_id"], Span(row["start"], row["end"])) for row in sentence_rows]
        sentence_terms = [frozenset(row["terms"]) for row in sentence_rows]
        sentence_own_terms = [frozenset(row["own_terms"]) for row in sentence_rows]
        sentence_vectors = np.load(folder / SENTENCE_VECTORS, allow_pickle=False)
        tokens = json.loads((folder / BM25_TOKENS).read_text(encoding="utf-8"))
        dense = faiss.read_index(str(folder / DENSE_INDEX))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexMismatchError(f"the index at {folder} is incomplete or corrupt ({exc}); "
                                 "run `bluebook-qa index --force` to rebuild it") from exc
    if dense.ntotal != len(passages) or len(tokens) != len(passages) or len(sentences) != len(sentence_vectors):
        raise IndexMismatchError(f"the index at {folder} is inconsistent (vectors, passages and tokens differ "
                                 "in number); run `bluebook-qa index --force` to rebuild it")
    return SearchIndex(manifest=manifest, documents=documents, passages=passages, dense=dense, bm25=BM25(tokens),
                       sentences=sentences, sentence_vectors=sentence_vectors, sentence_terms=sentence_terms,
                       sentence_own_terms=sentence_own_terms)
