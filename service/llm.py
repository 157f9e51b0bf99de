"""LLM backends as LangChain chat models, chosen by settings: OpenAI-compatible, Ollama, or llama.cpp in-process."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from index.models import KNOWN_CHAT_MODELS, is_provisioned, provisioned_path
from service.config import Settings
from service.errors import LLMConfigurationError

DEFAULT_LOCAL_CHAT_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"


ROLE_NAMES = {"human": "user", "ai": "assistant", "system": "system"}


class LlamaCppChatModel(BaseChatModel):
    """A GGUF model run in-process by llama-cpp-python, through its chat template."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int | None = None
    temperature: float = 0.0
    max_tokens: int = 256
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _client(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMConfigurationError("BLUEBOOK_LLM_PROVIDER=llamacpp needs llama-cpp-python: "
                                            "`pip install 'bluebook-qa[llamacpp]'` (see the README)") from exc
            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                verbose=False)
        return self._llama

    def _payload(self, messages: list[BaseMessage]) -> list[dict[str, str]]:
        return [{"role": ROLE_NAMES.get(m.type, "user"), "content": str(m.content)} for m in messages]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        with self._lock:  # a llama.cpp context serves one generation at a time
            output = self._client().create_chat_completion(
                messages=self._payload(messages), temperature=self.temperature, max_tokens=self.max_tokens,
                stop=stop)
        text = output["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            for chunk in self._client().create_chat_completion(
                    messages=self._payload(messages), temperature=self.temperature, max_tokens=self.max_tokens,
                    stop=stop, stream=True):
                delta = chunk["choices"][0]["delta"].get("content")
                if delta:
                    if run_manager:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))


def local_model_path(settings: Settings) -> Path:
    """BLUEBOOK_LLM_MODEL as a GGUF path, or the provisioned local model when it is unset."""
    if settings.llm_model and settings.llm_model not in KNOWN_CHAT_MODELS:
        path = Path(settings.llm_model)
        if not path.is_file():
            raise LLMConfigurationError(f"BLUEBOOK_LLM_MODEL={settings.llm_model} is not a GGUF file")
        return path
    known = KNOWN_CHAT_MODELS[settings.llm_model or DEFAULT_LOCAL_CHAT_MODEL]
    if not is_provisioned(settings.models_dir, known):
        raise LLMConfigurationError(f"the local chat model {known.name} is not provisioned in "
                                    f"{settings.models_dir}; run `bluebook-qa models --llm`")
    return provisioned_path(settings.models_dir, known) / known.weights_file


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings name, or None for the extractive answerer."""
    provider = settings.llm_provider
    if provider == "none":
        return None
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.llm_model:
            raise LLMConfigurationError("BLUEBOOK_LLM_PROVIDER=openai needs BLUEBOOK_LLM_MODEL")
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, api_key=api_key,  # type: ignore[arg-type]
                          timeout=settings.llm_timeout_seconds, max_retries=settings.llm_max_retries,
                          temperature=settings.llm_temperature, max_completion_tokens=settings.llm_max_tokens)
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        if not settings.llm_model:
            raise LLMConfigurationError("BLUEBOOK_LLM_PROVIDER=ollama needs BLUEBOOK_LLM_MODEL")
        return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url,
                          temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens,
                          client_kwargs={"timeout": settings.llm_timeout_seconds})
    if provider == "llamacpp":
        # llama-cpp-python uses half the cores by default; answering is all this process does, so use them all.
        return LlamaCppChatModel(model_path=str(local_model_path(settings)), n_ctx=settings.llm_context_tokens,
                                 n_threads=os.cpu_count(),
                                 temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens)
    raise LLMConfigurationError(f"unknown BLUEBOOK_LLM_PROVIDER {provider!r}")
