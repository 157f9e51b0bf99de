"""Build the question answerer from settings: load the embedding model and the index once."""

from __future__ import annotations

from index.embed import SentenceTransformerEmbedder
from index.retrieve import HybridRetriever
from index.store import load_index, read_manifest
from service.answer import AnswerParams, ExtractiveAnswerer
from service.chain import QuestionAnswerer
from service.config import Settings


def answer_params(settings: Settings) -> AnswerParams:
    return AnswerParams(passages=settings.answer_passages, max_sentences=settings.answer_max_sentences,
                        min_similarity=settings.answer_min_similarity,
                        max_unknown_terms=settings.answer_max_unknown_terms)


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir,
                                       batch_size=settings.embedding_batch_size)


def load_question_answerer(settings: Settings, embedder: SentenceTransformerEmbedder | None = None
                           ) -> QuestionAnswerer:
    """Load the model and the index named by `settings` (raises a BluebookError with a clear message)."""
    read_manifest(settings.index_dir)  # a missing index fails fast, before the model takes seconds to load
    embedder = embedder or load_embedder(settings)
    index = load_index(settings.index_dir, embedding_model=embedder.model_id,
                       embedding_fingerprint=embedder.fingerprint)
    return QuestionAnswerer(index=index, embedder=embedder,
                            retriever=HybridRetriever(index, embedder, settings.retrieval()),
                            answerer=ExtractiveAnswerer(index, answer_params(settings)))
