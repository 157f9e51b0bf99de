"""Conversations: sessions over HTTP (SQLite and a real Redis), restarts, expiry, SSE, the OpenAI endpoint."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.chain import QuestionAnswerer, Turn
from service.config import Settings
from service.sessions import (
    RedisSessionStore,
    SessionChatHistory,
    SessionLimits,
    SQLiteSessionStore,
    StoredTurn,
    trim_turns,
)

FIRST = "2023年の日露間の貿易はどれくらい減少した？"


def make_client(answerer: QuestionAnswerer, tmp_path: Path, **overrides: object) -> TestClient:
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", **overrides)
    return TestClient(create_app(settings, loader=lambda _: answerer))


def parse_sse(text: str) -> list[tuple[str, str]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, "\n".join(data)))
    return events


def test_multi_turn_conversation_over_http(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        first = client.post("/v1/chat", json={"message": FIRST})
        assert first.status_code == 200
        session_id = first.json()["session_id"]
        assert len(session_id) == 32 and first.json()["citations"]
        second = client.post("/v1/chat", json={"session_id": session_id, "message": "日本からの輸出額は？"})
        assert second.status_code == 200 and second.json()["session_id"] == session_id
        session = client.get(f"/v1/sessions/{session_id}").json()
        assert [t["role"] for t in session["turns"]] == ["user", "assistant", "user", "assistant"]
        assert session["turns"][1]["citations"] == first.json()["citations"]
        assert client.delete(f"/v1/sessions/{session_id}").status_code == 204
        assert client.get(f"/v1/sessions/{session_id}").status_code == 404
        assert client.delete(f"/v1/sessions/{session_id}").status_code == 404


def test_unknown_and_bad_session_ids(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        unknown = "0" * 32
        assert client.get(f"/v1/sessions/{unknown}").status_code == 404
        assert client.post("/v1/chat", json={"session_id": unknown, "message": "ロシア"}).status_code == 404
        assert client.get("/v1/sessions/not-an-id").status_code == 422
        assert client.delete("/v1/sessions/ABC").status_code == 422
        response = client.post("/v1/chat", json={"session_id": "../etc", "message": "ロシア"})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "session_id"
        assert client.post("/v1/chat", json={"message": "  "}).status_code == 422
        assert client.post("/v1/chat", json={"message": "ロ" * 1001}).status_code == 422


def test_sessions_survive_a_restart(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        session_id = client.post("/v1/chat", json={"message": FIRST}).json()["session_id"]
        before = client.get(f"/v1/sessions/{session_id}").json()
    with make_client(tiny_answerer, tmp_path) as restarted:
        assert restarted.get(f"/v1/sessions/{session_id}").json() == before
        assert restarted.post("/v1/chat", json={"session_id": session_id, "message": "輸出額は？"}).status_code == 200


def test_sqlite_sessions_expire_and_stay_bounded(tmp_path: Path) -> None:
    now = [1000.0]
    store = SQLiteSessionStore(tmp_path / "s.db", SessionLimits(max_turns=4, max_chars=1000, idle_ttl_seconds=60),
                               clock=lambda: now[0])
    session_id = store.create()
    for i in range(5):
        store.append(session_id, [StoredTurn("user", f"質問{i}"), StoredTurn("assistant", f"答え{i}")])
    turns = store.get(session_id).turns  # type: ignore[union-attr]
    assert [t.content for t in turns] == ["質問3", "答え3", "質問4", "答え4"]
    now[0] += 59
    assert store.get(session_id) is not None
    now[0] += 61
    assert store.get(session_id) is None
    store.close()


def test_trim_keeps_characters_bounded() -> None:
    turns = [StoredTurn("user", "あ" * 60), StoredTurn("assistant", "い" * 60), StoredTurn("user", "う" * 60)]
    kept = trim_turns(turns, SessionLimits(max_turns=10, max_chars=130))
    assert [t.content[0] for t in kept] == ["い", "う"]


def test_langchain_history_view(tmp_path: Path) -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    store = SQLiteSessionStore(tmp_path / "s.db")
    history = SessionChatHistory(store, store.create())
    history.add_messages([HumanMessage("質問"), AIMessage("答え", additional_kwargs={"citations": [{"number": 1}]})])
    assert [type(m).__name__ for m in history.messages] == ["HumanMessage", "AIMessage"]
    assert history.messages[1].additional_kwargs["citations"] == [{"number": 1}]
    history.clear()
    assert history.messages == []


# --- Redis: a real redis-server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_REDIS_URL (CI starts a server), else a redis-server started here for these tests."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (.ci/run does it)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_sessions_are_shared_and_survive_restarts(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                       redis_url: str) -> None:
    with make_client(tiny_answerer, tmp_path / "replica-a", session_url=redis_url) as replica_a:
        session_id = replica_a.post("/v1/chat", json={"message": FIRST}).json()["session_id"]
    with make_client(tiny_answerer, tmp_path / "replica-b", session_url=redis_url) as replica_b:
        assert replica_b.post("/v1/chat", json={"session_id": session_id, "message": "輸出額は？"}).status_code == 200
        turns = replica_b.get(f"/v1/sessions/{session_id}").json()["turns"]
        assert len(turns) == 4 and turns[1]["citations"]
        assert replica_b.delete(f"/v1/sessions/{session_id}").status_code == 204


def test_redis_sessions_expire(redis_url: str) -> None:
    store = RedisSessionStore(redis_url, SessionLimits(idle_ttl_seconds=1))
    session_id = store.create()
    store.append(session_id, [StoredTurn("user", "質問")])
    assert store.get(session_id) is not None
    time.sleep(2.1)
    assert store.get(session_id) is None
    store.close()


def test_unreachable_redis_is_a_clear_503(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path, session_url=f"redis://127.0.0.1:{free_port()}/0") as client:
        response = client.post("/v1/chat", json={"message": FIRST})
        assert response.status_code == 503 and "store" in response.json()["detail"]
        # The API keys live in the same Redis: without it no key can be checked, so asking is refused too.
        ask = client.post("/v1/ask", json={"question": FIRST})
        assert ask.status_code == 503 and "key store" in ask.json()["detail"]


# --- streaming -------------------------------------------------------------------------------------------

def test_stream_sends_tokens_then_citations_then_done(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        response = client.post("/v1/chat/stream", json={"message": FIRST})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.text)
        names = [name for name, _ in events]
        assert names[0] == "token" and names[-2:] == ["citations", "done"]
        assert set(names[:-2]) == {"token"}
        text = "".join(data for name, data in events if name == "token")
        citations = json.loads(events[-2][1])
        done = json.loads(events[-1][1])
        assert "44.3%" in text and citations and citations[0]["quote"] in text
        session = client.get(f"/v1/sessions/{done['session_id']}").json()
        assert session["turns"][1]["content"] == text


class ExplodingAnswerer(QuestionAnswerer):
    """Fails while answering, as a broken index or model would."""

    def __init__(self, inner: QuestionAnswerer) -> None:
        super().__init__(inner.index, inner.embedder, inner.retriever, inner.answerer)

    def prepare(self, question: str, history: list[Turn] | None, top_k: int, filters=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("the index file vanished")


def test_an_error_mid_stream_is_an_error_event(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(ExplodingAnswerer(tiny_answerer), tmp_path) as client:
        response = client.post("/v1/chat/stream", json={"message": FIRST})
        events = parse_sse(response.text)
        assert events[-1][0] == "error"
        message = json.loads(events[-1][1])["message"]
        assert "internal error" in message and "vanished" not in message  # internal text is logged, not sent


def test_stream_validates_before_streaming(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        assert client.post("/v1/chat/stream", json={"message": ""}).status_code == 422
        assert client.post("/v1/chat/stream", json={"session_id": "f" * 32, "message": "x"}).status_code == 404


# --- OpenAI-compatible endpoint, with the official client --------------------------------------------------

def openai_client(client: TestClient):  # type: ignore[no-untyped-def]
    import openai

    return openai.OpenAI(base_url="http://testserver/v1", api_key="not-needed", http_client=client, max_retries=0)


def test_openai_client_plain(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        completion = openai_client(client).chat.completions.create(
            model="bluebook-qa", messages=[{"role": "system", "content": "You are helpful."},
                                           {"role": "user", "content": FIRST}])
        content = completion.choices[0].message.content
        assert "44.3%" in content and "Sources:\n[1]" in content
        extra = completion.model_extra or {}
        assert extra["citations"][0]["quote"] in content


def test_openai_client_streaming(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        stream = openai_client(client).chat.completions.create(
            model="bluebook-qa", stream=True, messages=[{"role": "user", "content": FIRST}])
        chunks = list(stream)
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert "44.3%" in text and "Sources:" in text
        assert chunks[-1].choices[0].finish_reason == "stop"
        assert (chunks[-1].model_extra or {})["citations"]


def test_openai_endpoint_rejects_a_request_without_a_user_question(tiny_answerer: QuestionAnswerer,
                                                                   tmp_path: Path) -> None:
    with make_client(tiny_answerer, tmp_path) as client:
        assert client.post("/v1/chat/completions", json={"messages": []}).status_code == 422
        response = client.post("/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "x"}]})
        assert response.status_code == 422 and "user message" in response.json()["detail"][0]["msg"]


def test_concurrent_appends_to_one_sqlite_session_lose_nothing(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = SQLiteSessionStore(tmp_path / "s.db", SessionLimits(max_turns=1000, max_chars=100_000))
    session_id = store.create()
    def exchange(i: int) -> None:
        store.append(session_id, [StoredTurn("user", f"q{i}"), StoredTurn("assistant", f"a{i}")])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(exchange, range(40)))
    turns = store.get(session_id).turns  # type: ignore[union-attr]
    assert len(turns) == 80 and {t.content for t in turns} == {f"{r}{i}" for r in "qa" for i in range(40)}
    store.close()
