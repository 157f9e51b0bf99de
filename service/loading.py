"""Build the question answerer from settings: load the embedding model and the index once."""

from __future__ import annotations

from typing import cast

from index.embed import BatchingEmbedder, Embedder, SentenceTransformerEmbedder, resolve_embedding_dtype
from index.rerank import CrossEncoderReranker, RerankingRetriever
from index.retrieve import HybridRetriever
from index.store import SearchIndex, load_index, read_manifest
from service.answer import AnswerParams, ExtractiveAnswerer
from service.cache import AnswerCache, CachedQuestionAnswerer
from service.chain import QuestionAnswerer
from service.config import Settings
from service.generate import GenerationParams, GenerativeAnswerer
from service.llm import build_chat_model
from service.prompts import load_prompts


def answer_params(settings: Settings) -> AnswerParams:
    return AnswerParams(passages=settings.answer_passages, max_sentences=settings.answer_max_sentences,
                        min_similarity=settings.answer_min_similarity,
                        max_unknown_terms=settings.answer_max_unknown_terms)


def load_embedder(settings: Settings) -> BatchingEmbedder:
    """The model in the configured precision, behind the one worker thread that uses it."""
    model = SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir,
                                        batch_size=settings.embedding_batch_size,
                                        dtype=resolve_embedding_dtype(settings.embedding_dtype),
                                        pad_to_multiple_of=settings.embedding_token_multiple,
                                        table_from_file=settings.embedding_table_from_file,
                                        pack_queries=settings.embedding_pack_queries)
    return BatchingEmbedder(model, max_batch=settings.embedding_max_batch,
                            max_waiting=settings.embedding_max_waiting, fixed_sizes=not model.packs_queries,
                            gather_seconds=settings.embedding_gather_ms / 1000)


def load_reranker(settings: Settings) -> CrossEncoderReranker | None:
    """The cross-encoder BLUEBOOK_RERANKER_MODEL names, loaded once; None when reranking is off."""
    return CrossEncoderReranker(settings.reranker_model) if settings.reranker_model is not None else None


def build_retriever(settings: Settings, index: SearchIndex, embedder: Embedder,
                    reranker: CrossEncoderReranker | None) -> HybridRetriever:
    """Hybrid retrieval, its first candidates reordered by the reranker when there is one."""
    if reranker is None:
        return HybridRetriever(index, embedder, settings.retrieval())
    return RerankingRetriever(index, embedder, reranker, top_n=settings.reranker_top_n, params=settings.retrieval())


def load_question_answerer(settings: Settings, embedder: Embedder | None = None) -> QuestionAnswerer:
    """Load the model and the index named by `settings` (raises a BluebookError with a clear message)."""
    read_manifest(settings.index_dir)  # a missing index fails fast, before the model takes seconds to load
    reranker = load_reranker(settings)  # so does a missing or broken reranker folder
    embedder = embedder or load_embedder(settings)
    index = load_index(settings.index_dir, embedding_model=embedder.model_id,
                       embedding_fingerprint=embedder.fingerprint, embedding_dtype=embedder.dtype)
    prompts = load_prompts(settings.prompts_dir)  # checked at start-up even when no LLM uses them yet
    extractive = ExtractiveAnswerer(index, answer_params(settings))
    chat_model = build_chat_model(settings)
    generator = None
    if chat_model is not None:
        generator = GenerativeAnswerer(index, embedder, chat_model, prompts["answer"],
                                       provider=settings.llm_provider,
                                       params=GenerationParams(passages=settings.answer_passages))
    answerer = QuestionAnswerer(index=index, embedder=embedder,
                                retriever=build_retriever(settings, index, embedder, reranker),
                                answerer=extractive, generator=generator,
                                condense_prompt=prompts["condense"] if settings.llm_condense_follow_ups else None,
                                fallback_to_extractive=settings.llm_fallback == "extractive")
    if settings.answer_cache_size == 0:
        return answerer
    # Answers like a QuestionAnswerer (ask is cached; everything else is the wrapped answerer's).
    return cast(QuestionAnswerer, CachedQuestionAnswerer(answerer, AnswerCache(settings.answer_cache_size)))
