"""Build the index: corpus -> clean -> chunk -> embed -> FAISS + BM25, written atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.chunk import ChunkingParams, Passage, Span, chunk_document, sentences_of
from index.clean import clean_document
from index.corpus import load_corpus
from index.embed import Embedder
from index.errors import BluebookError
from index.store import FORMAT_VERSION, Manifest, StoredDocument, build_faiss_index, read_manifest, write_index
from index.tokenize import content_tokens

TOKENIZER_ID = "fugashi+unidic-lite:content-lemmas:v4"
# Bump when cleaning or chunking changes what an index holds, so `bluebook-qa index` rebuilds.
PIPELINE_VERSION = 2
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


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, params: ChunkingParams, *,
                index_type: str = "flat", force: bool = False, report: Reporter = lambda message: None,
                show_progress: bool = False) -> tuple[Manifest, bool]:
    """Build (or keep) the index; returns its manifest and whether it was rebuilt."""
    sources = load_corpus(corpus_dir)
    corpus = {source.doc_id: source.content_sha256 for source in sources}
    if not force and index_is_current(index_dir, corpus, embedder, params, index_type):
        report(f"index at {index_dir} is up to date ({len(corpus)} documents); nothing to do")
        return read_manifest(index_dir), False

    started = time.perf_counter()
    documents: list[StoredDocument] = []
    passages: list[Passage] = []
    for source in sources:
        cleaned = clean_document(source.doc_id, source.raw_text)
        documents.append(StoredDocument(doc_id=source.doc_id, title=cleaned.title,
                                        source=source.path.name, text=cleaned.text))
        passages.extend(chunk_document(cleaned, params))
    report(f"{len(documents)} documents cleaned into {len(passages)} passages")

    report("embedding passages")
    passage_vectors = embedder.embed_document_vectors([embedding_text(p) for p in passages],
                                                      show_progress=show_progress)
    seen: set[tuple[str, int, int]] = set()
    sentences: list[tuple[str, Span]] = []
    sentence_terms: list[tuple[list[str], list[str]]] = []
    documents_by_id = {d.doc_id: d for d in documents}
    for passage in passages:
        for span in sentences_of(passage):
            key = (passage.doc_id, span.start, span.end)
            if key not in seen:
                seen.add(key)
                sentences.append((passage.doc_id, span))
                # Passages never cross a section, so a sentence shared by two passages has one section path.
                text = documents_by_id[passage.doc_id].text[span.start:span.end]
                sentence_terms.append((sorted(set(content_tokens(f"{' '.join(passage.section_path)} {text}"))),
                                       sorted(set(content_tokens(text)))))
    report(f"embedding {len(sentences)} sentences (the answerer picks quotes with them)")
    sentence_vectors = embedder.embed_document_vectors(
        [documents_by_id[doc_id].text[span.start:span.end] for doc_id, span in sentences], show_progress=show_progress)

    tokens = [content_tokens(f"{p.section}\n{p.text}") for p in passages]
    dense = build_faiss_index(passage_vectors, index_type)
    manifest = Manifest(
        format_version=FORMAT_VERSION, embedding_model=embedder.model_id,
        embedding_fingerprint=embedder.fingerprint, dimension=int(passage_vectors.shape[1]), normalised=True,
        faiss_index_type=index_type, chunking=asdict(params), tokenizer=TOKENIZER_ID, corpus=corpus,
        build_seconds=round(time.perf_counter() - started, 2),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"), passages=len(passages),
        extra={"pipeline_version": PIPELINE_VERSION}, embedding_dtype=embedder.dtype)
    write_index(index_dir, manifest, documents, passages, dense, tokens, sentences,
                np.asarray(sentence_vectors, dtype=np.float32), sentence_terms)
    report(f"index written to {index_dir} in {manifest.build_seconds:.1f} s")
    return manifest, True
