"""The one settings object: every knob, read from BLUEBOOK_* environment variables (or a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.chunk import ChunkingParams
from index.retrieve import RetrievalParams

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BLUEBOOK_", env_file=".env", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    models_dir: Path = PROJECT_ROOT / "models"
    index_dir: Path = PROJECT_ROOT / "var" / "index"
    data_dir: Path = Field(PROJECT_ROOT / "var" / "data", description="what the service writes at run time")
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    embedding_model: str = Field("embeddinggemma-300m", description=(
        "a provisioned model name (see `bluebook-qa models`), a local sentence-transformers folder, "
        "or a model name already in the local Hugging Face cache"))
    embedding_batch_size: int = Field(16, ge=1, le=512)
    embedding_dtype: Literal["auto", "float32", "bfloat16"] = Field("auto", description=(
        "the model's precision: auto = bfloat16 where the CPU computes it natively (avx512_bf16, amx_bf16), "
        "else float32; the index is built with the same setting and must be rebuilt when it changes"))
    embedding_max_batch: int = Field(16, ge=1, le=256, description=(
        "at most this many concurrent questions are embedded together in one batch"))
    embedding_max_waiting: int = Field(64, ge=1, le=10_000, description=(
        "requests waiting for the embedding worker beyond this block until it catches up (memory stays flat)"))
    embedding_gather_ms: float = Field(15.0, ge=0, le=1000, description=(
        "under concurrent load, a batch waits up to this long for more questions (fewer, fuller batches; measured "
        "+6-9% requests/s at 16 clients); a lone client's question never waits"))
    embedding_table_from_file: bool = Field(True, description=(
        "read the model's token embedding table from its weights file row by row instead of holding it in memory "
        "(EmbeddingGemma: 384 MB less in bf16, identical vectors); kept in memory when the file does not hold it"))
    embedding_pack_queries: bool = Field(True, description=(
        "embed concurrent questions packed end to end in rows, each attending only to itself, instead of padded to "
        "the longest (EmbeddingGemma: 0.81x the CPU per question; other models use padded batches)"))
    embedding_token_multiple: int = Field(8, ge=1, le=512, description=(
        "token sequences are padded to a multiple of this (masked, so vectors barely change): a few input shapes "
        "keep the CPU kernels' per-shape memory bounded under load; 1 = pad to the longest text of a batch only"))

    chunk_target_chars: int = Field(300, ge=50, le=4000)
    chunk_overlap_sentences: int = Field(1, ge=0, le=10)
    faiss_index_type: Literal["flat", "hnsw"] = "flat"

    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(1.0, ge=0)
    bm25_weight: float = Field(1.0, ge=0)
    cross_lingual_bm25_factor: float = Field(0.0, ge=0, le=1)

    reranker_model: Path | None = Field(None, description=(
        "a local sentence-transformers CrossEncoder folder that reorders the first reranker_top_n passages of "
        "hybrid retrieval; unset = no reranking (none ships offline)"))
    reranker_top_n: int = Field(20, ge=1, le=200, description="how many retrieved candidates the reranker reads")

    default_top_k: int = Field(5, ge=1, le=50)
    max_top_k: int = Field(20, ge=1, le=100)
    max_question_chars: int = Field(1000, ge=10)
    max_history_turns: int = Field(20, ge=0)

    answer_passages: int = Field(4, ge=1, le=20, description="how many retrieved passages the answerer reads")
    answer_max_sentences: int = Field(2, ge=1, le=5)
    answer_min_similarity: float = Field(0.42, description="below this best sentence similarity, abstain")
    answer_max_unknown_terms: float = Field(0.7, ge=0, le=1, description=(
        "abstain when this share (idf-weighted) of a Japanese question's nouns occurs nowhere in the corpus"))
    answer_cache_size: int = Field(1024, ge=0, le=1_000_000, description=(
        "answers to repeated questions kept in memory (same normalised question, history and options); 0 = off"))

    session_url: str | None = Field(None, description=(
        "where conversations are kept: unset = SQLite file under data_dir; redis://host:port/db to share them "
        "between replicas; sqlite:///path for another SQLite file"))
    session_max_turns: int = Field(50, ge=2, le=10_000, description="turns a session keeps (oldest dropped)")
    session_max_chars: int = Field(50_000, ge=100, description="characters a session keeps (oldest turns dropped)")
    session_idle_ttl_seconds: int = Field(7 * 24 * 3600, ge=1, description="idle sessions expire after this")
    max_message_chars: int = Field(1000, ge=10, description="longest chat message accepted")

    llm_provider: Literal["none", "openai", "ollama", "llamacpp"] = Field("none", description=(
        "none = the extractive answerer; openai = any OpenAI-compatible server; ollama; llamacpp = a GGUF in-process"))
    llm_base_url: str | None = None
    llm_model: str | None = Field(None, description="model name (openai, ollama) or GGUF path (llamacpp)")
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(60.0, gt=0)
    llm_max_retries: int = Field(1, ge=0, le=10)
    llm_fallback: Literal["none", "extractive"] = Field("none", description=(
        "what to do when the LLM backend fails: none = 503 with the reason; extractive = answer extractively"))
    llm_temperature: float = Field(0.0, ge=0, le=2)
    llm_max_tokens: int = Field(256, ge=16, le=4096)
    llm_context_tokens: int = Field(4096, ge=512, le=131072)
    llm_condense_follow_ups: bool = True

    slack_bot_token: SecretStr | None = Field(None, description="the Slack app's bot token (xoxb-...)")
    slack_signing_secret: SecretStr | None = Field(None, description="verifies that HTTP requests come from Slack")
    slack_app_token: SecretStr | None = Field(None, description="app-level token (xapp-...) for Socket Mode")
    slack_api_url: str = Field("https://slack.com/api/", description="the Slack Web API (tests point it elsewhere)")
    slack_event_lease_seconds: int = Field(120, ge=1, le=3600, description=(
        "how long a replica's claim on a Slack message lasts while it answers; a claim left by a replica that "
        "died lapses after this, so Slack's later retry (after 1 and 5 minutes) is answered"))

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    forwarded_allow_ips: str = Field("127.0.0.1", description=(
        "proxies whose X-Forwarded-For is believed (the client address rate limits use in open mode); "
        "'*' behind a reverse proxy on a private network"))

    rate_limit: str = Field("120/minute", description=(
        "requests to /v1/* per API key (per client address while no key exists), in the `limits` notation "
        "('120/minute', '10/second;300/hour'); empty = no limit. Shared through Redis when the sessions are"))
    max_body_bytes: int = Field(1_048_576, ge=1024, description="larger request bodies get 413")
    max_answers_in_progress: int = Field(4, ge=1, le=1024, description=(
        "answers made at once by this process; more wait in a short queue, then get 503 with Retry-After"))
    answer_queue: int = Field(16, ge=0, le=10_000, description="answer requests that may wait for a turn")
    answer_queue_wait_seconds: float = Field(10.0, ge=0, le=600, description="how long one may wait")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description=(
        "DEBUG adds the question text to the log; other levels never log it"))
    log_format: Literal["json", "text"] = "json"
    redis_prefix: str = Field("bluebook:", description="prefix of the API-key and rate-limit keys in Redis")

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        if value.strip():
            from limits import parse_many

            parse_many(value)  # raises ValueError naming what it could not read
        return value.strip()

    @field_validator("embedding_model")
    @classmethod
    def _model_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("embedding_model must not be empty")
        return value.strip()

    def missing_slack_settings(self) -> list[str]:
        """The variables Slack over HTTP still needs (empty when it can run)."""
        return [name for name, value in (("BLUEBOOK_SLACK_BOT_TOKEN", self.slack_bot_token),
                                         ("BLUEBOOK_SLACK_SIGNING_SECRET", self.slack_signing_secret)) if value is None]

    def chunking(self) -> ChunkingParams:
        return ChunkingParams(target_chars=self.chunk_target_chars, overlap_sentences=self.chunk_overlap_sentences)

    def retrieval(self) -> RetrievalParams:
        return RetrievalParams(mode=self.retrieval_mode, rrf_k=self.rrf_k, dense_weight=self.dense_weight,
                               bm25_weight=self.bm25_weight, cross_lingual_bm25_factor=self.cross_lingual_bm25_factor)


@lru_cache
def get_settings() -> Settings:
    return Settings()
