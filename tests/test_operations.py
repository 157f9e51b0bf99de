"""Running it for a team: API keys, rate limits, body and in-progress limits, metrics, request ids, JSON logs."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.observability import configure_logging
from service.chain import QuestionAnswerer, TimedAnswer
from service.cli import main as cli_main
from service.config import Settings, get_settings
from service.keys import KeyNameError, RedisKeyStore, SQLiteKeyStore
from tests.fakes import scripted_chat_model
from tests.test_chat import redis_url  # noqa: F401 (a fixture: a real redis-server)
from tests.test_generate import with_llm

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", **overrides)


@pytest.fixture
def client(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path), loader=lambda _: tiny_answerer)) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- API keys ------------------------------------------------------------------------------------------

def test_keys_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    get_settings.cache_clear()
    try:
        assert cli_main(["keys", "list"]) == 0
        assert "open" in capsys.readouterr().err
        assert cli_main(["keys", "create", "alice"]) == 0
        key = capsys.readouterr().out.strip()
        assert re.fullmatch(r"bbq_[A-Za-z0-9_-]{40,}", key)
        assert cli_main(["keys", "create", "alice"]) == 1
        assert "exists already" in capsys.readouterr().err
        assert cli_main(["keys", "create", "no spaces"]) == 1
        assert cli_main(["keys", "revoke", "alice"]) == 0
        assert cli_main(["keys", "revoke", "alice"]) == 1
        assert "no live key" in capsys.readouterr().err
        assert cli_main(["keys", "list"]) == 0
        listed = capsys.readouterr().out
        assert listed.startswith("alice\tbbq_") and "revoked" in listed and key not in listed
    finally:
        get_settings.cache_clear()
    # Only the digest is kept.
    raw = (tmp_path / "data" / "sessions.sqlite3").read_bytes()
    assert key.encode() not in raw


def test_open_until_a_key_exists_then_401_without_or_with_a_revoked_key(client: TestClient) -> None:
    assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200  # open mode
    keys = client.app.state.key_store  # type: ignore[attr-defined]
    alice, bob = keys.create("alice"), keys.create("bob")
    missing = client.post("/v1/ask", json={"question": QUESTION})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert "API key is required" in missing.json()["detail"]
    assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer("bbq_wrong")).status_code == 401
    assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(alice)).status_code == 200
    assert client.get("/v1/sessions/" + "0" * 32, headers={"Authorization": alice}).status_code == 401  # no scheme
    keys.revoke("alice")
    assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(alice)).status_code == 401
    assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(bob)).status_code == 200
    keys.revoke("bob")  # revoking every key does not reopen the service
    assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 401
    for public in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(public).status_code == 200, public
    assert client.post("/slack/events", content="{}").status_code == 503  # Slack's own check, not a key


def test_keys_in_redis_are_shared(redis_url: str) -> None:  # noqa: F811
    prefix = f"bluebook-test-{time.time_ns()}:"
    one, two = RedisKeyStore(redis_url, prefix=prefix), RedisKeyStore(redis_url, prefix=prefix)
    assert not one.required()
    key = one.create("ci")
    assert two.required() and two.name_for(key) == "ci" and two.name_for(key + "x") is None
    with pytest.raises(KeyNameError):
        two.create("ci")
    two.revoke("ci")
    assert one.name_for(key) is None and [k.name for k in one.list()] == ["ci"] and not one.list()[0].active
    one.close()
    two.close()


def test_sqlite_keys_store_only_digests(tmp_path: Path) -> None:
    keys = SQLiteKeyStore(tmp_path / "k.db")
    key = keys.create("ops")
    assert keys.name_for(key) == "ops" and keys.list()[0].hint == key[:8]
    with pytest.raises(KeyNameError):
        keys.revoke("nobody")
    keys.close()


# --- limits -----------------------------------------------------------------------------------------------

def test_rate_limit_is_429_with_retry_after_per_key(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rate_limit="3/minute")
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as client:
        keys = client.app.state.key_store  # type: ignore[attr-defined]
        alice, bob = keys.create("alice"), keys.create("bob")
        statuses = [client.get("/v1/passages/nope", headers=bearer(alice)).status_code for _ in range(3)]
        assert statuses == [404, 404, 404]
        refused = client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(alice))
        assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
        assert "rate limit" in refused.json()["detail"]
        assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(bob)).status_code == 200
        assert client.get("/healthz").status_code == 200  # not limited


def test_rate_limit_per_client_address_while_open(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rate_limit="2/minute")
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as client:
        assert [client.get("/v1/passages/x").status_code for _ in range(3)] == [404, 404, 429]


def test_an_oversize_body_is_413(client: TestClient, tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, max_body_bytes=2048)
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as small:
        body = json.dumps({"question": "あ" * 900}).encode()  # 2.7 kB of UTF-8
        assert small.post("/v1/ask", content=body, headers={"content-type": "application/json"}).status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"question": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}'

        response = small.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413 and "2048 bytes" in response.json()["detail"]
        assert small.post("/v1/ask", json={"question": QUESTION}).status_code == 200


class Gate(QuestionAnswerer):
    """Answers only when let through, so a test can hold answers in progress."""

    def __init__(self, inner: QuestionAnswerer) -> None:
        super().__init__(inner.index, inner.embedder, inner.retriever, inner.answerer)
        self.open = threading.Event()
        self.entered = threading.Semaphore(0)

    def ask(self, question: str, *args: Any, **kwargs: Any) -> TimedAnswer:
        self.entered.release()
        self.open.wait(10)
        return super().ask(question, *args, **kwargs)


def test_past_the_in_progress_bound_is_503_with_retry_after(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    gate = Gate(tiny_answerer)
    settings = settings_for(tmp_path, max_answers_in_progress=1, answer_queue=1, answer_queue_wait_seconds=5)
    with TestClient(create_app(settings, loader=lambda _: gate)) as client:
        results: list[int] = []

        def ask() -> None:
            results.append(client.post("/v1/ask", json={"question": QUESTION}).status_code)

        running = threading.Thread(target=ask)
        running.start()
        assert gate.entered.acquire(timeout=10)  # one answer in progress
        waiting = threading.Thread(target=ask)
        waiting.start()
        time.sleep(0.3)  # the second waits in the queue
        refused = client.post("/v1/chat", json={"message": QUESTION})
        assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
        assert "too many answers in progress" in refused.json()["detail"]
        assert client.get("/v1/passages/x").status_code == 404  # reading is not bounded
        gate.open.set()
        running.join(10)
        waiting.join(10)
        assert results == [200, 200]  # the one that waited got its turn
        metrics = client.get("/metrics").text
    assert metric(metrics, "bluebook_answers_rejected_total") == 1


def test_retry_after_follows_the_answers_ahead_at_the_recent_pace() -> None:
    from service.api.security import AnswerBound

    bound = AnswerBound(in_progress=2, queue=4, wait_seconds=10)
    bound.average_seconds, bound.running, bound.waiting = 2.0, 2, 3
    assert bound.retry_after() == 6  # six answers ahead, two at a time, two seconds each
    bound.average_seconds = 30.0
    assert bound.retry_after() == 10  # never more than a waiting request is allowed to wait
    bound.running = bound.waiting = 0
    bound.average_seconds = 0.01
    assert bound.retry_after() == 1


def test_a_queued_answer_gives_up_after_the_wait(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    gate = Gate(tiny_answerer)
    settings = settings_for(tmp_path, max_answers_in_progress=1, answer_queue=4, answer_queue_wait_seconds=0.3)
    with TestClient(create_app(settings, loader=lambda _: gate)) as client:
        running = threading.Thread(target=lambda: client.post("/v1/ask", json={"question": QUESTION}))
        running.start()
        assert gate.entered.acquire(timeout=10)
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 503
        gate.open.set()
        running.join(10)


# --- metrics, request ids, logs ------------------------------------------------------------------------------

def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        sample_name, _, label_text = sample.partition("{")
        if sample_name != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


def test_metrics_move_when_requests_are_made(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    unverifiable = with_llm(tiny_answerer, scripted_chat_model("ロシアの人口は1億4千万人です[1]。"))
    with TestClient(create_app(settings_for(tmp_path), loader=lambda _: unverifiable)) as client:
        before = client.get("/metrics").text
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert client.post("/v1/ask", json={"question": "火星の首都の人口は何人？"}).json()["abstained"]
        client.get("/v1/sessions/" + "a" * 32)
        after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    ask = {"method": "POST", "route": "/v1/ask", "status": "200"}
    assert metric(text, "bluebook_http_requests_total", **ask) - metric(before, "bluebook_http_requests_total",
                                                                        **ask) == 2
    assert metric(text, "bluebook_http_requests_total", method="GET", route="/v1/sessions/{session_id}",
                  status="404") == 1  # by template, not by session id
    assert metric(text, "bluebook_http_request_duration_seconds_count", method="POST", route="/v1/ask") == 2
    assert metric(text, "bluebook_answers_abstained_total") == 1
    assert metric(text, "bluebook_llm_fallbacks_total") == 1
    assert metric(text, "bluebook_citations_dropped_total") == 1
    assert "bluebook_embedding_batch_size_bucket" in text


def test_request_ids_are_returned_and_in_every_log_line(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", "json", stream)
    try:
        with TestClient(create_app(settings_for(tmp_path), loader=lambda _: tiny_answerer)) as client:
            given = client.post("/v1/ask", json={"question": QUESTION}, headers={"X-Request-ID": "req-42.a:b"})
            hostile = client.get("/healthz", headers={"X-Request-ID": "bad id\r\nx"})
            absent = client.get("/healthz")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert given.headers["x-request-id"] == "req-42.a:b"
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", absent.headers["x-request-id"])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["request_id"] == "req-42.a:b"]
    assert {line["logger"] for line in mine} >= {"bluebook_qa.access", "bluebook_qa.answers"}
    access = next(line for line in mine if line["logger"] == "bluebook_qa.access")
    assert access["status"] == 200 and access["route"] == "/v1/ask" and access["duration_ms"] > 0
    assert any(QUESTION in line["message"] for line in mine)  # at DEBUG only
    assert any(line["request_id"] == hostile.headers["x-request-id"] for line in lines)


def test_question_text_is_not_logged_at_info(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("INFO", "json", stream)
    try:
        with TestClient(create_app(settings_for(tmp_path), loader=lambda _: tiny_answerer)) as client:
            client.post("/v1/ask", json={"question": QUESTION})
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert "/v1/ask" in stream.getvalue() and QUESTION not in stream.getvalue()
