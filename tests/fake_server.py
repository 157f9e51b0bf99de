"""The real app factory behind a real server, with the fake embedder and the tiny corpus: for tests that need
real processes (schemathesis, two replicas sharing Redis) and for `bench/load.py --fake`.

    BLUEBOOK_INDEX_DIR=/tmp/x/index BLUEBOOK_DATA_DIR=/tmp/x/data \\
        python -m uvicorn --factory tests.fake_server:create_fake_app --port 8001

Settings come from BLUEBOOK_* variables as in production; only the loader differs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from index.build import build_index
from index.chunk import ChunkingParams
from index.retrieve import HybridRetriever
from index.store import load_index
from service.answer import AnswerParams, ExtractiveAnswerer
from service.api.app import create_app
from service.chain import QuestionAnswerer
from service.config import Settings, get_settings
from tests.fakes import HashingEmbedder

TINY_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def load_fake_answerer(settings: Settings) -> QuestionAnswerer:
    """The tiny fixture corpus indexed with the hashing embedder (built on first start, reused after)."""
    embedder = HashingEmbedder()
    build_index(TINY_CORPUS, settings.index_dir, embedder, ChunkingParams(target_chars=120, overlap_sentences=0))
    index = load_index(settings.index_dir, embedding_model=embedder.model_id,
                       embedding_fingerprint=embedder.fingerprint)
    return QuestionAnswerer(index, embedder, HybridRetriever(index, embedder),
                            ExtractiveAnswerer(index, AnswerParams(min_similarity=0.1)))


def create_fake_app() -> FastAPI:
    from service.api.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, loader=load_fake_answerer)
