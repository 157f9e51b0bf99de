"""What an operator watches: Prometheus metrics of requests and answers, kept in one registry per app.

The answer metrics are recorded by `MeteredAnswerer`, which wraps the question answerer the lifespan loads, so
every adapter that answers through the app (HTTP, Slack) is counted without the core knowing about Prometheus.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from service.chain import QuestionAnswerer, TimedAnswer

logger = logging.getLogger("bluebook_qa.answers")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class ServiceMetrics:
    """The service's metrics, in a registry of their own (two apps in one process do not share counts)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("bluebook_http_requests", "HTTP requests by route template, method and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("bluebook_http_request_duration_seconds",
                                 "time from request to the last byte of the response (a whole stream for SSE)",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.answers = Counter("bluebook_answers", "answers given, by who answered", ["answered_by"],
                               registry=self.registry)
        self.abstained = Counter("bluebook_answers_abstained", "answers that said the documents do not answer",
                                 registry=self.registry)
        self.citations_dropped = Counter(
            "bluebook_citations_dropped", "claims of a generated answer whose citation failed verification "
            "(the marker removed, the sentence listed in unverified_claims)", registry=self.registry)
        self.llm_fallbacks = Counter("bluebook_llm_fallbacks",
                                     "generated answers replaced by the extractive answer (fallback_reason set)",
                                     registry=self.registry)
        self.answers_in_progress = Gauge("bluebook_answers_in_progress", "answers being made now",
                                         registry=self.registry)
        self.answers_rejected = Counter("bluebook_answers_rejected",
                                        "answer requests turned away with 503 by the in-progress bound",
                                        registry=self.registry)
        # Recorded by whatever batches texts for the embedding model; defined here so dashboards and alerts can
        # rely on the name before a batching worker exists.
        self.embedding_batch_size = Histogram("bluebook_embedding_batch_size", "texts per embedding model call",
                                              buckets=BATCH_BUCKETS, registry=self.registry)

    def observe_answer(self, result: TimedAnswer) -> None:
        answer = result.answer
        self.answers.labels(answered_by=answer.answered_by).inc()
        if answer.abstained:
            self.abstained.inc()
        if answer.unverified_claims:
            self.citations_dropped.inc(len(answer.unverified_claims))
        if answer.fallback_reason:
            self.llm_fallbacks.inc()


class MeteredAnswerer:
    """The question answerer with its answers counted; everything else passes through to the wrapped one."""

    def __init__(self, inner: QuestionAnswerer, metrics: ServiceMetrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def __getattr__(self, name: str) -> Any:  # index, embedder, retriever, … for the routes that read them
        return getattr(self.inner, name)

    # The answerer's own parameters pass through untouched (*args): this wrapper only watches.
    def ask(self, question: str, *args: Any, **kwargs: Any) -> TimedAnswer:
        logger.debug("question: %s", question)  # question text only at DEBUG: it may be personal
        with self.metrics.answers_in_progress.track_inprogress():
            result = self.inner.ask(question, *args, **kwargs)
        self.metrics.observe_answer(result)
        return result

    def stream(self, question: str, *args: Any, **kwargs: Any) -> Iterator[str | TimedAnswer]:
        logger.debug("question (streamed): %s", question)
        with self.metrics.answers_in_progress.track_inprogress():
            for item in self.inner.stream(question, *args, **kwargs):
                if isinstance(item, TimedAnswer):
                    self.metrics.observe_answer(item)
                yield item
