"""Build the index: corpus -> clean -> chunk -> embed -> FAISS + BM25, written atomically.

Incremental: a document whose content hash (file and sidecar) is unchanged keeps its passages and stored vectors
from the last index; only added or changed documents are embedded, and removed ones are dropped. A changed
model, chunking, tokenizer or pipeline version embeds everything again."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.chunk import ChunkingParams, Passage, Span, chunk_document, sentences_of
from index.corpus import SourceDocument, load_corpus
from index.embed import Embedder
from index.errors import BluebookError
from index.store import (
    BM25_TOKENS,
    FORMAT_VERSION,
    Manifest,
    SearchIndex,
    StoredDocument,
    build_faiss_index,
    build_lock,
    load_index,
    read_manifest,
    resolve_index_folder,
    write_index,
)
from index.tokenize import content_tokens

TOKENIZER_ID = "fugashi+unidic-lite:content-lemmas:v4"
# Bump when cleaning or chunking changes what an index holds, so `bluebook-qa index` rebuilds.
PIPELINE_VERSION = 3
Reporter = Callable[[str], None]


def embedding_text(passage: Passage) -> str:
    """What the dense model sees: the section path gives a short passage its topic."""
    return f"{passage.section}\n{passage.text}" if passage.section_path else passage.text


def index_is_current(index_dir: Path, corpus: dict[str, str], embedder: Embedder, params: ChunkingParams,
                     index_type: str) -> bool:
    """True when the index on disk was built from this corpus with these settings."""
    try:
        manifest = read_manifest(index_dir)
    except BluebookError:
        return False
    return (manifest.format_version == FORMAT_VERSION and manifest.corpus == corpus
            and manifest.embedding_model == embedder.model_id
            and manifest.embedding_fingerprint == embedder.fingerprint
            and manifest.embedding_dtype == embedder.dtype
            and manifest.chunking == asdict(params) and manifest.faiss_index_type == index_type
            and manifest.tokenizer == TOKENIZER_ID
            and manifest.extra.get("pipeline_version") == PIPELINE_VERSION)


@dataclass
class DocumentPart:
    """One document's share of the index: its text and metadata, passages, vectors, BM25 tokens and sentences."""

    document: StoredDocument
    passages: list[Passage]
    passage_vectors: np.ndarray
    tokens: list[list[str]]
    sentences: list[Span]
    sentence_vectors: np.ndarray
    sentence_terms: list[tuple[list[str], list[str]]]  # per sentence: lemmas with its section path, and alone


def prepare_document(source: SourceDocument, params: ChunkingParams) -> tuple[StoredDocument, list[Passage]]:
    """Clean and chunk one document; every passage learns its page (PDFs) from where it starts."""
    cleaned = source.clean()
    document = StoredDocument(doc_id=source.doc_id, title=cleaned.title, source=source.source or source.path.name,
                              text=cleaned.text, year=source.year_of(cleaned), format=source.format,
                              source_url=source.source_url, content_sha256=source.content_sha256,
                              page_starts=source.page_starts(cleaned), page_labels=source.page_labels())
    passages = []
    for passage in chunk_document(cleaned, params):
        page, label = document.page_at(passage.start)
        passages.append(replace(passage, title=document.title, year=document.year, page=page,
                                     page_label=label))
    return document, passages


def sentences_with_passage(passages: list[Passage]) -> list[tuple[Passage, Span]]:
    """Each sentence once (overlapping passages share some), in passage order, with the first passage holding it.
    Passages never cross a section, so that passage's section path is the sentence's."""
    seen: set[tuple[int, int]] = set()
    found = []
    for passage in passages:
        for span in sentences_of(passage):
            if (span.start, span.end) not in seen:
                seen.add((span.start, span.end))
                found.append((passage, span))
    return found


def unique_sentences(passages: list[Passage]) -> list[Span]:
    """Each sentence once (overlapping passages share some), in passage order."""
    return [span for _, span in sentences_with_passage(passages)]


def sentence_terms_of(document: StoredDocument, passages: list[Passage]) -> list[tuple[list[str], list[str]]]:
    """The content-word lemmas of each sentence of `unique_sentences(passages)`, with its section path (what the
    answerer matches a question's words against) and alone; computed here so that no request tags passage text."""
    terms = []
    for passage, span in sentences_with_passage(passages):
        text = document.text[span.start:span.end]
        terms.append((sorted(set(content_tokens(f"{' '.join(passage.section_path)} {text}"))),
                      sorted(set(content_tokens(text)))))
    return terms


def embed_documents(prepared: list[tuple[StoredDocument, list[Passage]]], embedder: Embedder,
                    show_progress: bool, report: Reporter) -> list[DocumentPart]:
    """Embed the passages, then the sentences, of all these documents (two batched calls)."""
    passages = [p for _, document_passages in prepared for p in document_passages]
    if not passages:
        return []
    report(f"embedding {len(passages)} passages")
    passage_vectors = np.asarray(embedder.embed_document_vectors([embedding_text(p) for p in passages],
                                                                 show_progress=show_progress), dtype=np.float32)
    sentences = [unique_sentences(document_passages) for _, document_passages in prepared]
    texts = [document.text[span.start:span.end] for (document, _), spans in zip(prepared, sentences, strict=True)
             for span in spans]
    report(f"embedding {len(texts)} sentences (the answerer picks quotes with them)")
    sentence_vectors = np.asarray(embedder.embed_document_vectors(texts, show_progress=show_progress),
                                  dtype=np.float32)
    parts = []
    passage_row = sentence_row = 0
    for (document, document_passages), spans in zip(prepared, sentences, strict=True):
        parts.append(DocumentPart(
            document=document, passages=document_passages,
            passage_vectors=passage_vectors[passage_row:passage_row + len(document_passages)],
            tokens=[content_tokens(f"{p.section}\n{p.text}") for p in document_passages], sentences=spans,
            sentence_vectors=sentence_vectors[sentence_row:sentence_row + len(spans)],
            sentence_terms=sentence_terms_of(document, document_passages)))
        passage_row += len(document_passages)
        sentence_row += len(spans)
    return parts


def reusable_parts(index_dir: Path, embedder: Embedder, params: ChunkingParams) -> dict[str, DocumentPart]:
    """The last index's documents, with their stored vectors, when it was built the way this build would build
    it (same model and weights, chunking, tokenizer, pipeline); otherwise nothing is reused."""
    try:
        manifest = read_manifest(index_dir)
        if (manifest.chunking != asdict(params) or manifest.tokenizer != TOKENIZER_ID
                or manifest.extra.get("pipeline_version") != PIPELINE_VERSION):
            return {}
        index = load_index(index_dir, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint,
                           embedding_dtype=embedder.dtype)  # vectors of another precision are not reused
        passage_vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
        folder = resolve_index_folder(index_dir)
        tokens = json.loads((folder / BM25_TOKENS).read_text(encoding="utf-8"))
    except (BluebookError, RuntimeError, OSError, ValueError):
        return {}  # an unreadable or foreign index is simply rebuilt
    return split_into_parts(index, np.asarray(passage_vectors, dtype=np.float32), tokens)


def split_into_parts(index: SearchIndex, passage_vectors: np.ndarray, tokens: list[list[str]]
                     ) -> dict[str, DocumentPart]:
    rows: dict[str, list[int]] = {}
    for row, passage in enumerate(index.passages):
        rows.setdefault(passage.doc_id, []).append(row)
    sentence_rows: dict[str, list[int]] = {}
    for row, (doc_id, _) in enumerate(index.sentences):
        sentence_rows.setdefault(doc_id, []).append(row)
    parts = {}
    for doc_id, document in index.documents.items():
        passage_rows, own_sentences = rows.get(doc_id, []), sentence_rows.get(doc_id, [])
        parts[doc_id] = DocumentPart(
            document=document, passages=[index.passages[r] for r in passage_rows],
            passage_vectors=passage_vectors[passage_rows], tokens=[tokens[r] for r in passage_rows],
            sentences=[index.sentences[r][1] for r in own_sentences],
            sentence_vectors=np.asarray(index.sentence_vectors[own_sentences], dtype=np.float32),
            sentence_terms=[(sorted(index.sentence_terms[r]), sorted(index.sentence_own_terms[r]))
                            for r in own_sentences])
    return parts


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, params: ChunkingParams, *,
                index_type: str = "flat", force: bool = False, report: Reporter = lambda message: None,
                show_progress: bool = False, lock: bool = True) -> tuple[Manifest, bool]:
    """Build (or keep) the index; returns its manifest and whether it was rebuilt. Holds the folder's build lock
    (IndexBusyError if another build has it) unless the caller already holds it (`lock=False`)."""
    if lock:
        with build_lock(index_dir):
            return build_index(corpus_dir, index_dir, embedder, params, index_type=index_type, force=force,
                               report=report, show_progress=show_progress, lock=False)
    build_faiss_index(np.zeros((0, 1), dtype=np.float32), index_type)  # an unknown index type fails before any work
    sources = load_corpus(corpus_dir, report)
    corpus = {source.doc_id: source.content_sha256 for source in sources}
    if not force and index_is_current(index_dir, corpus, embedder, params, index_type):
        report(f"index at {index_dir} is up to date ({len(corpus)} documents); nothing to do")
        return read_manifest(index_dir), False

    started = time.perf_counter()
    previous = {} if force else reusable_parts(index_dir, embedder, params)
    reused = {doc_id: part for doc_id, part in previous.items()
              if corpus.get(doc_id) == part.document.content_sha256}
    to_embed = [source for source in sources if source.doc_id not in reused]
    prepared = [prepare_document(source, params) for source in to_embed]
    embedded = {part.document.doc_id: part for part in embed_documents(prepared, embedder, show_progress, report)}
    parts = [reused.get(source.doc_id) or embedded[source.doc_id] for source in sources]
    removed = sorted(set(previous) - set(corpus))
    changes = {"embedded": sorted(embedded), "reused": sorted(reused), "removed": removed}
    if previous:
        added = sorted(doc_id for doc_id in embedded if doc_id not in previous)
        changed = sorted(doc_id for doc_id in embedded if doc_id in previous)
        report(f"re-embedded {len(embedded)} documents (added: {', '.join(added) or 'none'}; "
               f"changed: {', '.join(changed) or 'none'}); reused {len(reused)} unchanged; "
               f"removed: {', '.join(removed) or 'none'}")
    else:
        report(f"embedded all {len(embedded)} documents (no reusable index: first build, --force, or another "
               "model or chunking)")

    passages = [p for part in parts for p in part.passages]
    report(f"{len(parts)} documents in {len(passages)} passages")
    passage_vectors = np.concatenate([part.passage_vectors for part in parts])
    dense = build_faiss_index(passage_vectors, index_type)
    sentences = [(part.document.doc_id, span) for part in parts for span in part.sentences]
    sentence_vectors = np.concatenate([part.sentence_vectors for part in parts])
    manifest = Manifest(
        format_version=FORMAT_VERSION, embedding_model=embedder.model_id,
        embedding_fingerprint=embedder.fingerprint, dimension=int(passage_vectors.shape[1]), normalised=True,
        faiss_index_type=index_type, chunking=asdict(params), tokenizer=TOKENIZER_ID, corpus=corpus,
        build_seconds=round(time.perf_counter() - started, 2),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"), passages=len(passages),
        extra={"pipeline_version": PIPELINE_VERSION, "last_build": changes}, embedding_dtype=embedder.dtype)
    write_index(index_dir, manifest, [part.document for part in parts], passages, dense,
                [t for part in parts for t in part.tokens], sentences, sentence_vectors,
                [terms for part in parts for terms in part.sentence_terms])
    report(f"index written to {index_dir} in {manifest.build_seconds:.1f} s")
    return manifest, True
