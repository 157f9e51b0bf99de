"""Answers to repeated questions, kept in a bounded in-memory LRU in front of the question answerer."""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from service.chain import QuestionAnswerer, TimedAnswer, Turn

WHITESPACE = re.compile(r"\s+")


def normalise_question(question: str) -> str:
    """NFKC and runs of white space as one space: "ＮＡＴＯ  とは" and "NATO とは" are one question."""
    return WHITESPACE.sub(" ", unicodedata.normalize("NFKC", question)).strip()


def history_digest(history: list[Turn] | None) -> str:
    """A digest of the conversation so far: the same question after other turns is another question."""
    digest = hashlib.sha256()
    for turn in history or []:
        digest.update(f"{turn.role}\x1f{normalise_question(turn.content)}\x1e".encode())
    return digest.hexdigest()


class AnswerCache:
    """A bounded, thread-safe least-recently-used map from a question key to its answer."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, got {max_entries}")
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], TimedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...]) -> TimedAnswer | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple[Any, ...], value: TimedAnswer) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class CachedQuestionAnswerer:
    """Answers like the wrapped QuestionAnswerer; `ask` answers a repeated question from the cache.

    Streaming is not cached (its pieces are produced as the answer is made). The cache lives as long as the
    process, like the index it answers from, so a rebuilt index is served (and cached) after a restart."""

    def __init__(self, answerer: QuestionAnswerer, cache: AnswerCache) -> None:
        # Not called `answerer`: attribute reads fall through to the wrapped QuestionAnswerer (below), whose
        # `answerer` is its extractive answerer, and callers such as `bluebook-qa eval` read that one.
        self.inner = answerer
        self.cache = cache

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5, *options: Any,
            **named_options: Any) -> TimedAnswer:
        """`options` (filters, …) pass through to the wrapped answerer and are part of the key."""
        started = time.perf_counter()
        key = (normalise_question(question), history_digest(history), top_k, options,
               tuple(sorted(named_options.items())))
        try:
            hash(key)
        except TypeError:  # an option that cannot be a key: answer without the cache
            return self.inner.ask(question, history, top_k, *options, **named_options)
        cached = self.cache.get(key)
        if cached is None:
            result = self.inner.ask(question, history, top_k, *options, **named_options)
            self.cache.put(key, result)
            return result
        answer = cached.answer
        # Callers get their own lists, so nothing one request does to its answer reaches another's.
        copy = replace(answer, citations=list(answer.citations), passages=list(answer.passages),
                       unverified_claims=list(answer.unverified_claims))
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return TimedAnswer(answer=copy, timings_ms={"cache": elapsed, "total": elapsed})

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
