"""Incremental builds: only added or changed documents are embedded; the rest keep their stored vectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index
from index.chunk import ChunkingParams
from index.store import SearchIndex, load_index
from tests.documents import MARKDOWN, MARKDOWN_NAME, write_sample_corpus
from tests.fakes import HashingEmbedder

PARAMS = ChunkingParams(target_chars=120, overlap_sentences=0)
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


class CountingEmbedder(HashingEmbedder):
    """Remembers every text it embedded for a document."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.embedded: list[str] = []

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed_document_vectors(texts, show_progress)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, folder)
    return write_sample_corpus(folder)


def load(folder: Path, embedder: HashingEmbedder) -> SearchIndex:
    return load_index(folder, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint)


def rows_of(index: SearchIndex, doc_id: str) -> tuple[list[object], np.ndarray, np.ndarray]:
    rows = [r for r, p in enumerate(index.passages) if p.doc_id == doc_id]
    sentence_rows = [r for r, (d, _) in enumerate(index.sentences) if d == doc_id]
    return ([index.passages[r] for r in rows], index.dense.reconstruct_n(0, index.dense.ntotal)[rows],
            index.sentence_vectors[sentence_rows])


def test_changing_one_document_embeds_only_it(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, PARAMS)
    before = load(index_dir, embedder)
    embedder.embedded.clear()

    (corpus / MARKDOWN_NAME).write_text(MARKDOWN + "\n## 3 今後\n\n日本はASEANとの経済連携を深めていく。\n",
                                        encoding="utf-8")
    messages: list[str] = []
    manifest, rebuilt = build_index(corpus, index_dir, embedder, PARAMS, report=messages.append)
    assert rebuilt
    after = load(index_dir, embedder)
    assert manifest.extra["last_build"] == {
        "embedded": ["notes-asean"], "reused": sorted(set(after.documents) - {"notes-asean"}), "removed": []}
    assert any("re-embedded 1 documents (added: none; changed: notes-asean)" in m for m in messages)
    # only the changed document's passages and sentences went through the model
    markdown_passages = [p for p in after.passages if p.doc_id == "notes-asean"]
    assert any("経済連携" in text for text in embedder.embedded)
    assert not any("エジプト" in text or "英国" in text for text in embedder.embedded)
    assert len(embedder.embedded) == len(markdown_passages) + sum(1 for d, _ in after.sentences if d == "notes-asean")
    # the others kept their passages and vectors exactly
    for doc_id in set(before.documents) - {"notes-asean"}:
        old, new = rows_of(before, doc_id), rows_of(after, doc_id)
        assert old[0] == new[0]
        assert np.array_equal(old[1], new[1]) and np.array_equal(old[2], new[2])
    # and the result is the index a full build makes
    full_dir = tmp_path / "full"
    build_index(corpus, full_dir, HashingEmbedder(), PARAMS)
    full = load(full_dir, embedder)
    assert full.passages == after.passages and full.sentences == after.sentences
    assert np.allclose(full.sentence_vectors, after.sentence_vectors)
    assert np.allclose(full.dense.reconstruct_n(0, full.dense.ntotal), after.dense.reconstruct_n(0, after.dense.ntotal))
    assert {d: (x.title, x.year, x.page_starts) for d, x in full.documents.items()} == {
        d: (x.title, x.year, x.page_starts) for d, x in after.documents.items()}


def test_added_and_removed_documents(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, PARAMS)
    embedder.embedded.clear()
    (corpus / MARKDOWN_NAME).unlink()
    (corpus / "new.md").write_text("# 新しい文書\n\n日本は太平洋島嶼国との協力を強化した。\n", encoding="utf-8")
    messages: list[str] = []
    manifest, _ = build_index(corpus, index_dir, embedder, PARAMS, report=messages.append)
    assert manifest.extra["last_build"]["embedded"] == ["new"]
    assert manifest.extra["last_build"]["removed"] == ["notes-asean"]
    assert any("added: new; changed: none" in m and "removed: notes-asean" in m for m in messages)
    assert all("太平洋島嶼国" in text or "新しい文書" in text for text in embedder.embedded)
    index = load(index_dir, embedder)
    assert "notes-asean" not in index.documents and "new" in index.documents
    assert not any(p.doc_id == "notes-asean" for p in index.passages)


def test_changed_sidecar_re_embeds_its_document(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, PARAMS)
    (corpus / "bluebook-2023-europe.meta.yaml").write_text("id: europe-2023\nyear: 2024\n", encoding="utf-8")
    manifest, _ = build_index(corpus, index_dir, embedder, PARAMS)
    assert manifest.extra["last_build"]["embedded"] == ["europe-2023"]
    assert load(index_dir, embedder).documents["europe-2023"].year == 2024


def test_another_chunking_or_model_embeds_everything(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder(), PARAMS)
    manifest, _ = build_index(corpus, index_dir, HashingEmbedder(), ChunkingParams(target_chars=200))
    assert manifest.extra["last_build"]["reused"] == [] and len(manifest.extra["last_build"]["embedded"]) == 4
    other_weights = HashingEmbedder(fingerprint="fake-v2")
    manifest, _ = build_index(corpus, index_dir, other_weights, ChunkingParams(target_chars=200))
    assert manifest.extra["last_build"]["reused"] == []


def test_another_faiss_index_type_reuses_every_vector(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, PARAMS)
    embedder.embedded.clear()
    manifest, rebuilt = build_index(corpus, index_dir, embedder, PARAMS, index_type="hnsw")
    assert rebuilt and embedder.embedded == []
    assert load(index_dir, embedder).dense.ntotal == manifest.passages


def test_force_embeds_everything(corpus: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder, PARAMS)
    manifest, _ = build_index(corpus, index_dir, embedder, PARAMS, force=True)
    assert manifest.extra["last_build"]["reused"] == []
