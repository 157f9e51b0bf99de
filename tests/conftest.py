"""Shared fixtures: hermetic settings, a tiny corpus with a fake embedder, and the real model and index."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.build import build_index
from index.chunk import ChunkingParams
from index.retrieve import HybridRetriever
from index.store import load_index
from service.answer import AnswerParams, ExtractiveAnswerer
from service.api.app import create_app
from service.chain import QuestionAnswerer
from service.config import PROJECT_ROOT, Settings
from tests.fakes import HashingEmbedder

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

FIXTURES = Path(__file__).parent / "fixtures"
REAL_CORPUS = PROJECT_ROOT / "corpus"
REAL_MODELS = PROJECT_ROOT / "models"


@pytest.fixture(autouse=True)
def _hermetic_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads a developer's BLUEBOOK_* variables or writes outside its tmp folder."""
    for name in list(os.environ):
        if name.startswith("BLUEBOOK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BLUEBOOK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BLUEBOOK_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def tiny_index_dir(tmp_path_factory: pytest.TempPathFactory, fake_embedder: HashingEmbedder) -> Path:
    folder = tmp_path_factory.mktemp("tiny") / "index"
    build_index(FIXTURES / "corpus", folder, fake_embedder, ChunkingParams(target_chars=120, overlap_sentences=0))
    return folder


@pytest.fixture(scope="session")
def tiny_answerer(tiny_index_dir: Path, fake_embedder: HashingEmbedder) -> QuestionAnswerer:
    index = load_index(tiny_index_dir, embedding_model=fake_embedder.model_id,
                       embedding_fingerprint=fake_embedder.fingerprint)
    return QuestionAnswerer(index, fake_embedder, HybridRetriever(index, fake_embedder),
                            ExtractiveAnswerer(index, AnswerParams(min_similarity=0.1)))


@pytest.fixture
def fake_client(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", max_question_chars=200)
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as client:
        yield client


# --- the real model and the real index of the chapter, built once per test session -------------------

@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    if not (REAL_MODELS / "embeddinggemma-300m" / ".provisioned.json").is_file():
        pytest.fail("the embedding model is not provisioned: run `make models` (make test does it for you)")
    root = tmp_path_factory.mktemp("real")
    corpus = root / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    return Settings(corpus_dir=corpus, models_dir=REAL_MODELS, index_dir=root / "index", data_dir=root / "data")


@pytest.fixture(scope="session")
def real_answerer(real_settings: Settings) -> QuestionAnswerer:
    from service.loading import load_embedder, load_question_answerer

    embedder = load_embedder(real_settings)
    build_index(real_settings.corpus_dir, real_settings.index_dir, embedder, real_settings.chunking())
    return load_question_answerer(real_settings, embedder)


@pytest.fixture(scope="session")
def real_client(real_settings: Settings, real_answerer: QuestionAnswerer) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings, loader=lambda _: real_answerer)) as client:
        yield client
