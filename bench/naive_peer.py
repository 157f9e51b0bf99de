"""The naive LangChain peer `make bench` compares the product with: what a first LangChain prototype of this service
looks like. The same passages (read from the product's index folder) go into `FAISS.from_texts` at start-up with
the same embedding model in its default precision (fp32); each question is answered with `similarity_search(k=4)`
and the top passage as the answer. No batching, no locks, no answer verification: a baseline, not a product.

    .venv/bin/python -m uvicorn --factory bench.naive_peer:create_app --port 8001
Needs the `bench` extra (langchain-community); `make bench` installs it.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from index.embed import resolve_model_location
from service.config import get_settings


class SentenceTransformerEmbeddings(Embeddings):
    """The sentence-transformers model as LangChain sees it (langchain-huggingface's class, minus its pins)."""

    def __init__(self, location: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(location, device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode_document(texts, normalize_embeddings=True).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.model.encode_query(text, normalize_embeddings=True).tolist()  # type: ignore[no-any-return]


class Question(BaseModel):
    question: str = Field(min_length=1, max_length=1000)


def create_app() -> FastAPI:
    settings = get_settings()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from langchain_community.vectorstores import FAISS

        passages_file = Path(settings.index_dir) / "passages.jsonl"
        rows = [json.loads(line) for line in passages_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        embeddings = SentenceTransformerEmbeddings(resolve_model_location(settings.embedding_model,
                                                                          settings.models_dir))
        state["store"] = FAISS.from_texts([row["text"] for row in rows], embeddings,
                                          metadatas=[{"passage_id": row["passage_id"]} for row in rows])
        yield

    app = FastAPI(title="naive LangChain peer", lifespan=lifespan)

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        if "store" not in state:
            raise HTTPException(503, "loading")
        return {"status": "ready"}

    @app.post("/ask")
    def ask(body: Question) -> dict[str, Any]:
        documents = state["store"].similarity_search(body.question, k=4)
        return {"answer": documents[0].page_content if documents else "",
                "sources": [document.metadata["passage_id"] for document in documents]}

    return app
