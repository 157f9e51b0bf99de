"""Building, storing and loading the index folder, with the fake embedder."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.build import TOKENIZER_ID, build_index
from index.chunk import ChunkingParams
from index.errors import IndexMismatchError, IndexNotBuiltError
from index.store import FORMAT_VERSION, MANIFEST, load_index, read_manifest
from tests.fakes import HashingEmbedder

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PARAMS = ChunkingParams(target_chars=120, overlap_sentences=0)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, folder)
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "var" / "index"


def load(folder: Path, embedder: HashingEmbedder):
    return load_index(folder, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint)


class FailingEmbedder(HashingEmbedder):
    """Raises on the n-th call, as a model running out of memory mid-build would."""

    def __init__(self, fail_on_call: int) -> None:
        super().__init__()
        self.fail_on_call = fail_on_call

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if self.calls + 1 >= self.fail_on_call:
            self.calls += 1
            raise RuntimeError("embedding crashed")
        return super().embed_document_vectors(texts, show_progress)


def test_build_writes_a_complete_manifest(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    messages: list[str] = []
    manifest, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS, report=messages.append)
    assert rebuilt is True
    assert messages and any("passages" in m for m in messages)

    data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION
    assert data["embedding_model"] == fake_embedder.model_id == "fake-hashing"
    assert data["embedding_fingerprint"] == fake_embedder.fingerprint == "fake-v1"
    assert data["dimension"] == fake_embedder.dimension == 256
    assert data["normalised"] is True
    assert data["faiss_index_type"] == "flat"
    assert data["chunking"] == {"target_chars": 120, "overlap_sentences": 0} == asdict(PARAMS)
    assert data["tokenizer"] == TOKENIZER_ID
    expected_sha = hashlib.sha256((corpus / "mini-chapter.txt").read_bytes()).hexdigest()
    assert data["corpus"] == {"mini-chapter": expected_sha}  # the README is not a document
    assert data["passages"] == 4
    assert data["built_at"]
    assert manifest == read_manifest(index_dir)


def test_built_index_loads_and_is_consistent(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    index = load(index_dir, fake_embedder)
    assert len(index.passages) == index.dense.ntotal == index.manifest.passages == 4
    assert index.dense.d == fake_embedder.dimension
    document = index.documents["mini-chapter"]
    assert document.title == "テスト用の小さな章"
    assert document.source == "mini-chapter.txt"
    for passage in index.passages:
        assert document.text[passage.start:passage.end] == passage.text
        assert isinstance(passage.section_path, tuple)
        assert index.passage_by_id(passage.passage_id) is passage
    assert index.passage_by_id("nope") is None
    assert len(index.sentences) == len(index.sentence_vectors)
    for row, (doc_id, span) in enumerate(index.sentences):
        assert index.sentence_row[(doc_id, span.start, span.end)] == row
    assert index.sentence_vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(index.sentence_vectors, axis=1), 1.0, atol=1e-5)


def test_second_build_with_same_inputs_does_nothing(corpus: Path, index_dir: Path) -> None:
    embedder = HashingEmbedder()
    first, rebuilt = build_index(corpus, index_dir, embedder, PARAMS)
    assert rebuilt
    calls = embedder.calls
    messages: list[str] = []
    second, rebuilt = build_index(corpus, index_dir, embedder, PARAMS, report=messages.append)
    assert rebuilt is False
    assert embedder.calls == calls  # nothing was embedded
    assert second == first
    assert any("up to date" in m for m in messages)


def test_force_rebuilds(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    _, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS, force=True)
    assert rebuilt


def test_changed_corpus_content_rebuilds(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    first, _ = build_index(corpus, index_dir, fake_embedder, PARAMS)
    path = corpus / "mini-chapter.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nベラルーシは議会選挙を控えている。\n", encoding="utf-8")
    second, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS)
    assert rebuilt
    assert second.corpus["mini-chapter"] != first.corpus["mini-chapter"]
    index = load(index_dir, fake_embedder)
    assert any("議会選挙" in p.text for p in index.passages)


def test_added_document_rebuilds(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    (corpus / "second.md").write_text("2\n\n別の章\n\n1 概観\n\n日本は中央アジアとの対話を続けた。\n", encoding="utf-8")
    manifest, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS)
    assert rebuilt
    assert set(manifest.corpus) == {"mini-chapter", "second"}


@pytest.mark.parametrize("params", [ChunkingParams(target_chars=300, overlap_sentences=0),
                                    ChunkingParams(target_chars=120, overlap_sentences=1)], ids=str)
def test_changed_chunking_rebuilds(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder,
                                   params: ChunkingParams) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    manifest, rebuilt = build_index(corpus, index_dir, fake_embedder, params)
    assert rebuilt
    assert manifest.chunking == asdict(params)
    assert read_manifest(index_dir).chunking == asdict(params)


def test_changed_model_or_fingerprint_rebuilds(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    _, rebuilt = build_index(corpus, index_dir, HashingEmbedder(fingerprint="fake-v2"), PARAMS)
    assert rebuilt
    manifest, rebuilt = build_index(corpus, index_dir, HashingEmbedder(model_id="other", dimension=64), PARAMS)
    assert rebuilt
    assert (manifest.embedding_model, manifest.dimension) == ("other", 64)


def test_hnsw_index_type(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    manifest, _ = build_index(corpus, index_dir, fake_embedder, PARAMS, index_type="hnsw")
    assert manifest.faiss_index_type == "hnsw"
    assert load(index_dir, fake_embedder).dense.ntotal == 4
    _, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS, index_type="flat")
    assert rebuilt


def test_unknown_index_type_is_refused(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    with pytest.raises(ValueError, match="'ivf'"):
        build_index(corpus, index_dir, fake_embedder, PARAMS, index_type="ivf")
    assert not index_dir.exists()


# --- load_index refusals ------------------------------------------------------------------------------------

def test_load_refuses_another_model(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    with pytest.raises(IndexMismatchError) as excinfo:
        load_index(index_dir, embedding_model="embeddinggemma-300m", embedding_fingerprint=fake_embedder.fingerprint)
    message = str(excinfo.value)
    assert "bluebook-qa index" in message
    assert "'fake-hashing'" in message and "'embeddinggemma-300m'" in message


def test_load_refuses_another_fingerprint(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    with pytest.raises(IndexMismatchError) as excinfo:
        load_index(index_dir, embedding_model=fake_embedder.model_id, embedding_fingerprint="fake-v2")
    assert "bluebook-qa index" in str(excinfo.value)
    assert "fake-v1" in str(excinfo.value) and "fake-v2" in str(excinfo.value)
    # no fingerprint to compare with: only the model id is checked
    assert load_index(index_dir, embedding_model=fake_embedder.model_id, embedding_fingerprint=None).passages


def test_load_refuses_another_format_version(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    path = index_dir / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="bluebook-qa index"):
        load(index_dir, fake_embedder)
    _, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS)
    assert rebuilt


def test_missing_folder_is_not_built(tmp_path: Path, fake_embedder: HashingEmbedder) -> None:
    with pytest.raises(IndexNotBuiltError) as excinfo:
        load(tmp_path / "nowhere", fake_embedder)
    assert "bluebook-qa index" in str(excinfo.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexNotBuiltError):
        load(empty, fake_embedder)


@pytest.mark.parametrize("content", ["{not json", "", "[]", '"manifest"', '{"format_version": 1}',
                                     '{"unknown_field": 1}'])
def test_corrupt_manifest(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder, content: str) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    (index_dir / MANIFEST).write_text(content, encoding="utf-8")
    with pytest.raises(IndexMismatchError) as excinfo:
        load(index_dir, fake_embedder)
    assert "bluebook-qa index" in str(excinfo.value)
    # the builder treats it as out of date and rebuilds
    _, rebuilt = build_index(corpus, index_dir, fake_embedder, PARAMS)
    assert rebuilt
    assert load(index_dir, fake_embedder).passages


@pytest.mark.parametrize("victim", [store.PASSAGES, store.DENSE_INDEX, store.BM25_TOKENS, store.SENTENCES,
                                    store.SENTENCE_VECTORS, store.DOCUMENTS])
def test_missing_or_corrupt_data_file(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder,
                                      victim: str) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    (index_dir / victim).unlink()
    with pytest.raises(IndexMismatchError, match="bluebook-qa index"):
        load(index_dir, fake_embedder)
    (index_dir / victim).write_bytes(b"\x00garbage{")
    with pytest.raises(IndexMismatchError, match="bluebook-qa index"):
        load(index_dir, fake_embedder)


def test_inconsistent_counts_are_refused(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    tokens = json.loads((index_dir / store.BM25_TOKENS).read_text(encoding="utf-8"))
    (index_dir / store.BM25_TOKENS).write_text(json.dumps(tokens[:-1]), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="inconsistent"):
        load(index_dir, fake_embedder)


# --- what lies on disk --------------------------------------------------------------------------------------

def test_index_folder_holds_no_pickle(corpus: Path, index_dir: Path, fake_embedder: HashingEmbedder) -> None:
    build_index(corpus, index_dir, fake_embedder, PARAMS)
    files = sorted(p.name for p in index_dir.iterdir())
    assert files == sorted([store.MANIFEST, store.PASSAGES, store.DOCUMENTS, store.DENSE_INDEX, store.BM25_TOKENS,
                            store.SENTENCES, store.SENTENCE_VECTORS])
    for path in index_dir.rglob("*"):
        assert path.suffix not in (".pkl", ".pickle", ".joblib", ".pt")
        assert not path.read_bytes().startswith(b"\x80")  # no pickle protocol header
    vectors = np.load(index_dir / store.SENTENCE_VECTORS, allow_pickle=False)
    assert vectors.dtype == np.float32 and vectors.ndim == 2
    for name in (store.PASSAGES, store.DOCUMENTS, store.SENTENCES):
        for line in (index_dir / name).read_text(encoding="utf-8").splitlines():
            json.loads(line)
    json.loads((index_dir / store.BM25_TOKENS).read_text(encoding="utf-8"))
    # no staging or previous copies are left beside it
    assert sorted(p.name for p in index_dir.parent.iterdir()) == [".index.lock", "index"]


# --- interrupted builds -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fail_on_call", [1, 2], ids=["passages", "sentences"])
def test_embedder_crash_leaves_previous_index_loadable(corpus: Path, index_dir: Path,
                                                       fake_embedder: HashingEmbedder, fail_on_call: int) -> None:
    first, _ = build_index(corpus, index_dir, fake_embedder, PARAMS)
    before = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    with pytest.raises(RuntimeError, match="embedding crashed"):
        build_index(corpus, index_dir, FailingEmbedder(fail_on_call), PARAMS, force=True)
    assert {p.name: p.read_bytes() for p in index_dir.iterdir()} == before
    index = load(index_dir, fake_embedder)
    assert index.manifest == first
    assert len(index.passages) == 4


def test_crash_while_writing_leaves_previous_index_loadable(corpus: Path, index_dir: Path,
                                                            fake_embedder: HashingEmbedder,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = build_index(corpus, index_dir, fake_embedder, PARAMS)

    def broken_write(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store.faiss, "write_index", broken_write)
    with pytest.raises(OSError, match="disk full"):
        build_index(corpus, index_dir, fake_embedder, ChunkingParams(target_chars=300, overlap_sentences=0))
    monkeypatch.undo()
    index = load(index_dir, fake_embedder)
    assert index.manifest == first
    # the next build clears the half-written staging folder and succeeds
    manifest, rebuilt = build_index(corpus, index_dir, fake_embedder, ChunkingParams(target_chars=300,
                                                                                     overlap_sentences=0))
    assert rebuilt and manifest.chunking["target_chars"] == 300
    assert sorted(p.name for p in index_dir.parent.iterdir()) == [".index.lock", "index"]


def test_failed_first_build_leaves_no_index(corpus: Path, index_dir: Path) -> None:
    with pytest.raises(RuntimeError):
        build_index(corpus, index_dir, FailingEmbedder(1), PARAMS)
    assert not (index_dir / MANIFEST).exists()
    with pytest.raises(IndexNotBuiltError):
        load(index_dir, HashingEmbedder())
