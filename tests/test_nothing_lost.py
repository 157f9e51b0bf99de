"""Paths that used to lose data: Slack claims, button references, expired sessions, store failures, history
limits, and what a failed stream tells the client."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.retrieve import RetrievalFilter
from service.api.app import create_app
from service.chain import QuestionAnswerer, TimedAnswer, Turn
from service.config import Settings
from service.sessions import RedisSessionStore, SessionLimits, SQLiteSessionStore, StoredTurn
from tests.test_chat import (
    free_port,
    make_client,
    parse_sse,
    redis_url,  # noqa: F401 (a fixture: a real redis-server)
)
from tests.test_slack import (
    FakeSlack,
    block_actions,
    event_callback,
    mention,
    post_form,
    post_json,
    slack,  # noqa: F401 (a fixture: Slack's Web API on loopback)
    slack_settings,
)

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


class Recording(QuestionAnswerer):
    """The real answerer over the tiny index, remembering the history each question came with, and able to fail
    or dawdle on chosen calls."""

    def __init__(self, inner: QuestionAnswerer, fail_calls: set[int] | None = None, delay: float = 0.0) -> None:
        super().__init__(inner.index, inner.embedder, inner.retriever, inner.answerer)
        self.histories: list[list[Turn]] = []
        self.fail_calls = fail_calls or set()
        self.delay = delay
        self.lock = threading.Lock()

    def _record(self, history: list[Turn] | None) -> None:
        with self.lock:
            self.histories.append(list(history or []))
            call = len(self.histories)
        time.sleep(self.delay)
        if call in self.fail_calls:
            raise RuntimeError("boom: password=hunter2 at /srv/internal/db")

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5,
            filters: RetrievalFilter | None = None) -> TimedAnswer:
        self._record(history)
        return super().ask(question, history, top_k, filters)

    def stream(self, question: str, history: list[Turn] | None = None, top_k: int = 5,  # type: ignore[no-untyped-def]
               filters: RetrievalFilter | None = None):
        self._record(history)
        yield from super().stream(question, history, top_k, filters)


def wait_until(condition: Any, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


# --- Slack: a claim is a lease, marked answered only after the reply is posted ------------------------------

def test_a_slack_retry_after_answering_failed_is_answered(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                          slack: FakeSlack) -> None:  # noqa: F811
    failing_once = Recording(tiny_answerer, fail_calls={1})
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: failing_once)) as client:
        event = event_callback(mention(QUESTION, "1700000000.000100"))
        assert post_json(client, event).status_code == 200
        wait_until(lambda: len(failing_once.histories) == 1)
        time.sleep(0.3)  # the failure is handled (the claim released)
        assert slack.posts() == []
        assert post_json(client, event, **RETRY).status_code == 200
        slack.wait_for(1)
        assert post_json(client, event, **RETRY).status_code == 200  # answered now: a further retry is not
        time.sleep(0.5)
    assert len(slack.posts()) == 1 and len(failing_once.histories) == 2


def test_a_slack_retry_after_posting_failed_is_answered(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                        slack: FakeSlack) -> None:  # noqa: F811
    slack.failing_posts = 1
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        event = event_callback(mention(QUESTION, "1700000000.000200"))
        post_json(client, event)
        wait_until(lambda: slack.failing_posts == 0)
        time.sleep(0.3)
        post_json(client, event, **RETRY)
        slack.wait_for(1)
        time.sleep(0.3)
    assert len(slack.posts()) == 1


def test_a_slack_retry_while_the_answer_is_in_progress_is_dropped(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                                  slack: FakeSlack) -> None:  # noqa: F811
    slow = Recording(tiny_answerer, delay=1.0)
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: slow)) as client:
        event = event_callback(mention(QUESTION, "1700000000.000300"))
        post_json(client, event)
        wait_until(lambda: len(slow.histories) == 1)
        post_json(client, event, **RETRY)
        slack.wait_for(1)
        time.sleep(1.3)
    assert len(slack.posts()) == 1 and len(slow.histories) == 1


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_claims_lapse_finish_and_release(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if kind == "sqlite":
        now = [1000.0]
        store: Any = SQLiteSessionStore(tmp_path / "s.db", clock=lambda: now[0])

        def wait(seconds: float) -> None:
            now[0] += seconds
    else:
        store = RedisSessionStore(request.getfixturevalue("redis_url"), prefix=f"bluebook-test-{time.time_ns()}:")
        wait = time.sleep
    assert store.claim_event("m1", lease_seconds=1) and not store.claim_event("m1", lease_seconds=1)
    wait(1.2)
    assert store.claim_event("m1", lease_seconds=1)  # the claimant died: its lease lapsed
    store.release_event("m1")
    assert store.claim_event("m1", lease_seconds=1)  # released after a failure: claimed again at once
    store.finish_event("m1", keep_seconds=60)
    store.release_event("m1")  # a late release never undoes an answer
    wait(1.2)
    assert not store.claim_event("m1", lease_seconds=1)
    store.close()


# --- buttons carry a stable turn id --------------------------------------------------------------------

def test_a_feedback_button_still_points_at_its_answer_after_trimming(tiny_answerer: QuestionAnswerer,
                                                                     tmp_path: Path,
                                                                     slack: FakeSlack) -> None:  # noqa: F811
    questions = [QUESTION, "日本からの輸出額は？", "ロシアからの輸入額は？"]
    settings = slack_settings(tmp_path, slack, session_max_turns=4)
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as client:
        for number, question in enumerate(questions):
            ts = f"1700000001.00{number}"
            post_json(client, event_callback(mention(question, ts, thread_ts="1700000001.000"), f"Ev{number}"))
            slack.wait_for(number + 1)
        replies = slack.posts()
        blocks = [json.loads(r["blocks"]) if isinstance(r["blocks"], str) else r["blocks"] for r in replies]
        values = [next(e["value"] for b in bs if b["type"] == "actions" for e in b["elements"]) for bs in blocks]
        # The session now keeps the last two exchanges: the second answer moved from position 3 to 1.
        post_form(client, block_actions("feedback_up", values[1], slack.url + "/respond/1"))
        post_form(client, block_actions("feedback_down", values[0], slack.url + "/respond/2"))
        slack.wait_for(1, "/respond/2")
        slack.wait_for(1, "/respond/1")
        records = {r["rating"]: r for r in client.app.state.session_store.feedback()}  # type: ignore[attr-defined]
    assert records["up"]["question"] == questions[1]
    assert records["down"]["question"] == ""  # trimmed away: not some other answer's question


# --- expired sessions are purged ------------------------------------------------------------------------

def test_expired_sessions_are_purged_from_the_file(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "s.db"
    store = SQLiteSessionStore(path, SessionLimits(idle_ttl_seconds=60), clock=lambda: now[0],
                               purge_interval_seconds=30)
    old = store.create()
    store.append(old, [StoredTurn("user", "q"), StoredTurn("assistant", "a")])
    store.session_for_key("slack:T:C:1")
    store.claim_event("m1", lease_seconds=10)
    now[0] += 120
    store.create()  # no one reads the old session again: it must still go

    def count(table: str) -> int:
        with sqlite3.connect(path) as db:
            return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    assert count("sessions") == 1 and count("turns") == 0 and count("session_keys") == 0
    assert count("slack_events") == 0
    store.close()


def test_an_old_session_file_gains_turn_ids_and_claim_states(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE sessions (id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL);
            CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, citations TEXT NOT NULL,
                created_at REAL NOT NULL, PRIMARY KEY (session_id, position));
            CREATE TABLE slack_events (key TEXT PRIMARY KEY, created_at REAL NOT NULL, expires_at REAL NOT NULL);
        """)
        now = time.time()
        db.execute("INSERT INTO sessions VALUES (?, ?, ?)", ("a" + "0" * 31, now, now))
        db.execute("INSERT INTO turns VALUES (?, 0, 'user', 'q', '[]', ?)", ("a" + "0" * 31, now))
        db.execute("INSERT INTO slack_events VALUES ('m-old', ?, ?)", (now, now + 3600))
    store = SQLiteSessionStore(path)
    session = store.get("a" + "0" * 31)
    assert session is not None and session.turns[0].content == "q"
    store.append(session.session_id, [StoredTurn("assistant", "a")])
    assert store.get(session.session_id).turns[1].turn_id  # type: ignore[union-attr]
    store.release_event("m-old")  # an answered message from before stays answered
    assert not store.claim_event("m-old")
    store.close()


# --- a failing session store is a 503 --------------------------------------------------------------------

def test_a_session_store_failure_during_a_request_is_a_503(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        session_id = client.post("/v1/chat", json={"message": QUESTION}).json()["session_id"]
        client.app.state.session_store.close()  # type: ignore[attr-defined]
        for response in (client.post("/v1/chat", json={"message": QUESTION}),
                         client.post("/v1/chat", json={"session_id": session_id, "message": QUESTION}),
                         client.get(f"/v1/sessions/{session_id}"),
                         client.delete(f"/v1/sessions/{session_id}")):
            assert response.status_code == 503, response.text
            assert response.json()["detail"].startswith("the session store failed")
        client.app.state.session_store = None  # type: ignore[attr-defined]  # already closed


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own, so it can be stopped mid-test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (.ci/run does it)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    import redis

    wait_until(lambda: _pings(redis, port))
    yield f"redis://127.0.0.1:{port}/0", process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def _pings(redis: Any, port: int) -> bool:
    try:
        return bool(redis.Redis(port=port).ping())
    except redis.RedisError:
        return False


def test_redis_going_away_during_requests_is_a_503(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                   own_redis: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = own_redis
    with make_client(tiny_answerer, tmp_path, session_url=url) as client:
        session_id = client.post("/v1/chat", json={"message": QUESTION}).json()["session_id"]
        process.terminate()
        process.wait(timeout=10)
        response = client.post("/v1/chat", json={"session_id": session_id, "message": QUESTION})
        # The key check (keys live in the same Redis) or the session store: either way a 503 that says so.
        assert response.status_code == 503 and "store failed" in response.json()["detail"]
        assert client.get(f"/v1/sessions/{session_id}").status_code == 503


# --- history limits --------------------------------------------------------------------------------------

def test_max_history_turns_zero_sends_no_history(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    recording = Recording(tiny_answerer)
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", max_history_turns=0)
    with TestClient(create_app(settings, loader=lambda _: recording)) as client:
        session_id = client.post("/v1/chat", json={"message": QUESTION}).json()["session_id"]
        assert client.post("/v1/chat", json={"session_id": session_id, "message": "輸出額は？"}).status_code == 200
        client.post("/v1/chat/stream", json={"session_id": session_id, "message": "輸入額は？"})
        messages = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "答え"},
                    {"role": "user", "content": "輸出額は？"}]
        assert client.post("/v1/chat/completions", json={"messages": messages}).status_code == 200
    assert recording.histories == [[], [], [], []]


# --- a failed stream says what the client may know, and logs the rest ----------------------------------

def test_stream_errors_carry_no_internal_text(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    failing = Recording(tiny_answerer, fail_calls={1, 2})
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    with caplog.at_level(logging.ERROR), TestClient(create_app(settings, loader=lambda _: failing)) as client:
        chat = client.post("/v1/chat/stream", json={"message": QUESTION})
        openai = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}],
                                                           "stream": True})
    events = parse_sse(chat.text)
    assert events[-1][0] == "error" and "internal error" in json.loads(events[-1][1])["message"]
    openai_errors = [json.loads(data)["error"] for _, data in parse_sse(openai.text) if "error" in data]
    assert openai_errors and openai_errors[0]["type"] == "server_error"
    assert "hunter2" not in chat.text and "hunter2" not in openai.text
    assert "RuntimeError" not in chat.text and "RuntimeError" not in openai.text
    assert "hunter2" in caplog.text  # the operator still sees it
