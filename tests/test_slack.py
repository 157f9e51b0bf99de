"""Slack: signed requests to the real app, a local stand-in for Slack's Web API, formatting of hostile text."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.chain import QuestionAnswerer, TimedAnswer, Turn
from service.cli import main as cli_main
from service.config import Settings
from service.sessions import SessionLimits, SQLiteSessionStore
from service.slack.app import question_from_event, strip_mention
from service.slack.formatting import (
    MAX_BLOCKS,
    SECTION_TEXT_LIMIT,
    TRUNCATED,
    ZERO_WIDTH_SPACE,
    build_reply,
    escape_mrkdwn,
    safe_text,
    split_text,
)
from tests.test_chat import redis_url  # noqa: F401,F811 (a fixture: a real redis-server)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


class FakeSlack:
    """Slack's Web API and response_url on 127.0.0.1: records each call, answers ok."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.failing_posts = 0  # how many chat.postMessage calls answer an error before Slack "recovers"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                with fake.lock:
                    fake.calls.append((self.path, body))
                answer: dict[str, Any] = {"ok": True, "ts": f"{time.time():.6f}", "channel": body.get("channel")}
                with fake.lock:
                    if self.path.endswith("/chat.postMessage") and fake.failing_posts > 0:
                        fake.failing_posts -= 1
                        fake.calls.pop()  # a failed post is not a post
                        answer = {"ok": False, "error": "internal_error"}
                if self.path.endswith("auth.test"):
                    answer.update(user_id=BOT_USER, bot_id="BBOT", team_id="T1", user="bluebook", team="t")
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def posts(self, method: str = "chat.postMessage") -> list[dict[str, Any]]:
        with self.lock:
            return [body for path, body in self.calls if path.endswith("/" + method)]

    def to(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [body for p, body in self.calls if p == path]

    def wait_for(self, count: int, method: str = "chat.postMessage", timeout: float = 10) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.posts(method) if method.startswith(("chat.", "auth.")) else self.to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), got {self.calls}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


def slack_settings(tmp_path: Path, slack: FakeSlack, **overrides: Any) -> Settings:
    return Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", slack_bot_token=TOKEN,
                    slack_signing_secret=SECRET, slack_api_url=slack.url + "/api/", **overrides)


def signed(body: str, timestamp: int | None = None, secret: str = SECRET, **extra: str) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", **extra}


def post_json(client: TestClient, payload: dict[str, Any], **headers: str) -> Any:
    body = json.dumps(payload)
    return client.post("/slack/events", content=body,
                       headers={"Content-Type": "application/json", **signed(body), **headers})


def post_form(client: TestClient, form: dict[str, str]) -> Any:
    body = urlencode(form)
    return client.post("/slack/events", content=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded", **signed(body)})


def event_callback(event: dict[str, Any], event_id: str = "Ev1") -> dict[str, Any]:
    return {"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}]}


def mention(text: str, ts: str, thread_ts: str | None = None, channel: str = "C1") -> dict[str, Any]:
    event = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel,
             "team": "T1", "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def store_of(client: TestClient) -> SQLiteSessionStore:
    return client.app.state.session_store  # type: ignore[attr-defined,no-any-return]


# --- events ------------------------------------------------------------------------------------------

def test_a_mention_is_answered_once_in_its_thread(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                  slack: FakeSlack) -> None:
    app = create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)
    with TestClient(app) as client:
        event = mention(QUESTION, "1700000000.000100")
        assert post_json(client, event_callback(event)).status_code == 200
        # Slack retries it; and the same message also arrives as a message event (a new event id).
        assert post_json(client, event_callback(event), **{"X-Slack-Retry-Num": "1",
                                                           "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
        as_message = {**event, "type": "message", "channel_type": "im"}
        assert post_json(client, event_callback(as_message, "Ev2")).status_code == 200
        posts = slack.wait_for(1)
        time.sleep(0.5)
    assert len(slack.posts()) == 1
    reply = posts[0]
    assert reply["channel"] == "C1" and reply["thread_ts"] == "1700000000.000100"
    blocks = json.loads(reply["blocks"]) if isinstance(reply["blocks"], str) else reply["blocks"]
    assert "[1]" in reply["text"] and "Sources" in reply["text"]
    assert any(b["type"] == "actions" for b in blocks)
    actions = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [e["action_id"] for e in actions] == ["feedback_up", "feedback_down"]


def test_a_follow_up_in_the_thread_has_the_earlier_turns(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                         slack: FakeSlack) -> None:
    seen: list[list[Turn]] = []

    class Recording(QuestionAnswerer):
        def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5) -> TimedAnswer:
            seen.append(list(history or []))
            return tiny_answerer.ask(question, history, top_k)

    recording = Recording(tiny_answerer.index, tiny_answerer.embedder, tiny_answerer.retriever,
                          tiny_answerer.answerer)
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: recording)) as client:
        post_json(client, event_callback(mention(QUESTION, "1700000000.000100")))
        slack.wait_for(1)
        post_json(client, event_callback(mention("日本からの輸出額は？", "1700000001.000200",
                                                 thread_ts="1700000000.000100"), "Ev2"))
        posts = slack.wait_for(2)
        session_id = store_of(client).session_for_key("slack:T1:C1:1700000000.000100")
        turns = client.get(f"/v1/sessions/{session_id}").json()["turns"]
    assert posts[1]["thread_ts"] == "1700000000.000100"
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[0]["content"] == QUESTION and turns[1]["citations"]
    assert seen[0] == [] and [t.role for t in seen[1]] == ["user", "assistant"]
    assert seen[1][0].content == QUESTION


def test_a_direct_message_is_answered_and_channel_messages_bots_and_edits_are_not(
        tiny_answerer: QuestionAnswerer, tmp_path: Path, slack: FakeSlack) -> None:
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        base = {"type": "message", "user": "U1", "text": QUESTION, "channel": "D1", "channel_type": "im"}
        ignored = [
            {**base, "ts": "1.1", "bot_id": "B9"},
            {**base, "ts": "1.2", "subtype": "bot_message"},
            {**base, "ts": "1.3", "subtype": "message_changed", "message": {"text": "edited"}},
            {**base, "ts": "1.4", "subtype": "message_deleted"},
            {**base, "ts": "1.5", "channel": "C1", "channel_type": "channel"},
            {**base, "ts": "1.6", "user": BOT_USER},
        ]
        for number, event in enumerate(ignored):
            assert post_json(client, event_callback(event, f"EvIgnored{number}")).status_code == 200
        assert post_json(client, event_callback({**base, "ts": "2.0"}, "EvDM")).status_code == 200
        posts = slack.wait_for(1)
        time.sleep(0.5)
    assert len(slack.posts()) == 1
    assert posts[0]["channel"] == "D1" and posts[0]["thread_ts"] == "2.0"


def test_bad_signatures_and_stale_requests_are_refused(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                       slack: FakeSlack) -> None:
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        body = json.dumps(event_callback(mention(QUESTION, "3.0")))
        json_type = {"Content-Type": "application/json"}
        wrong = client.post("/slack/events", content=body, headers={**json_type, **signed(body, secret="wrong")})
        stale = client.post("/slack/events", content=body,
                            headers={**json_type, **signed(body, timestamp=int(time.time()) - 6 * 60)})
        unsigned = client.post("/slack/events", content=body, headers=json_type)
        time.sleep(0.3)
    assert wrong.status_code == stale.status_code == unsigned.status_code == 401
    assert slack.posts() == []


def test_the_ack_returns_at_once_while_the_answer_is_made(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                                          slack: FakeSlack) -> None:
    class Slow(QuestionAnswerer):
        def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5) -> TimedAnswer:
            time.sleep(1.5)
            return super().ask(question, history, top_k)

    slow = Slow(tiny_answerer.index, tiny_answerer.embedder, tiny_answerer.retriever, tiny_answerer.answerer)
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: slow)) as client:
        post_json(client, event_callback({"type": "message", "user": "U1", "text": "warm-up", "ts": "0.1",
                                          "channel": "C1", "channel_type": "channel"}, "EvWarm"))  # auth.test
        started = time.perf_counter()
        response = post_json(client, event_callback(mention(QUESTION, "4.0")))
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and elapsed < 1.0
        assert slack.posts() == []  # still being answered
        slack.wait_for(1, timeout=10)


def test_url_verification_is_answered(tiny_answerer: QuestionAnswerer, tmp_path: Path, slack: FakeSlack) -> None:
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        response = post_json(client, {"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert response.status_code == 200 and response.json()["challenge"] == "abc123"


# --- the slash command and the buttons ------------------------------------------------------------------

def block_actions(action_id: str, value: str, response_url: str) -> dict[str, str]:
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U7"}, "api_app_id": "A1",
               "token": "x", "trigger_id": "1.2.3", "channel": {"id": "C5"},
               "container": {"type": "message", "message_ts": "5.0", "channel_id": "C5", "is_ephemeral": True},
               "response_url": response_url,
               "actions": [{"type": "button", "action_id": action_id, "block_id": "answer_actions",
                            "value": value, "action_ts": "6.0"}]}
    return {"payload": json.dumps(payload)}


def test_slash_command_share_and_feedback(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                          slack: FakeSlack) -> None:
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        command = {"token": "x", "team_id": "T1", "channel_id": "C5", "user_id": "U7", "command": "/bluebook",
                   "text": QUESTION, "response_url": slack.url + "/respond/1", "trigger_id": "1.2.3",
                   "api_app_id": "A1"}
        started = time.perf_counter()
        assert post_form(client, command).status_code == 200
        assert time.perf_counter() - started < 3
        ephemeral = slack.wait_for(1, "/respond/1")[0]
        assert ephemeral["response_type"] == "ephemeral" and "[1]" in ephemeral["text"]
        buttons = {e["action_id"]: e["value"] for b in ephemeral["blocks"] if b["type"] == "actions"
                   for e in b["elements"]}
        assert set(buttons) == {"share_answer", "feedback_up", "feedback_down"}

        assert post_form(client, block_actions("share_answer", buttons["share_answer"],
                                               slack.url + "/respond/2")).status_code == 200
        shared = slack.wait_for(1)[0]
        assert shared["channel"] == "C5" and "[1]" in shared["text"] and QUESTION in shared["text"]
        assert slack.wait_for(1, "/respond/2")[0].get("delete_original") is True

        assert post_form(client, block_actions("feedback_down", buttons["feedback_down"],
                                               slack.url + "/respond/3")).status_code == 200
        slack.wait_for(1, "/respond/3")
        records = store_of(client).feedback()
    assert len(records) == 1
    record = records[0]
    assert record["user_id"] == "U7" and record["rating"] == "down" and record["question"] == QUESTION
    assert record["answer"] and record["comment"] is None and record["created_at"] > 0
    assert record["source"] == "slack"  # the web page's records say "web": one store, told apart in the export


def test_an_empty_slash_command_gets_the_usage(tiny_answerer: QuestionAnswerer, tmp_path: Path,
                                               slack: FakeSlack) -> None:
    with TestClient(create_app(slack_settings(tmp_path, slack), loader=lambda _: tiny_answerer)) as client:
        post_form(client, {"team_id": "T1", "channel_id": "C5", "user_id": "U7", "command": "/bluebook",
                           "text": " ", "response_url": slack.url + "/respond/9"})
        usage = slack.wait_for(1, "/respond/9")[0]
    assert "/bluebook" in usage["text"] and usage["response_type"] == "ephemeral"


def test_missing_settings_are_named_and_the_service_still_runs(tiny_answerer: QuestionAnswerer,
                                                               tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", slack_bot_token="xoxb-1")
    with TestClient(create_app(settings, loader=lambda _: tiny_answerer)) as client:
        response = client.post("/slack/events", content="{}")
        assert response.status_code == 503
        assert "BLUEBOOK_SLACK_SIGNING_SECRET" in response.json()["detail"]
        assert "BLUEBOOK_SLACK_BOT_TOKEN" not in response.json()["detail"]
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200


# --- formatting ------------------------------------------------------------------------------------------

def test_hostile_document_text_cannot_ping_or_inject_markup() -> None:
    hostile = "Tom & Jerry <!channel> <!here> <!everyone> @here @channel @everyone <@U123> <#C123> <http://x|y>"
    citations = [{"number": 1, "section": "A > <!here>", "quote": "@everyone look <@U999>", "passage_id": "p"}]
    reply = build_reply(hostile + " [1]", citations, abstained=False)
    rendered = reply.text + json.dumps(reply.blocks, ensure_ascii=False)
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>", "<@U999>", "<http"):
        assert ping not in rendered
    for word in ("@here", "@channel", "@everyone"):
        assert word not in rendered
    assert "Tom &amp; Jerry" in reply.text and "&lt;!channel&gt;" in reply.text
    assert f"@{ZERO_WIDTH_SPACE}here" in reply.text
    assert escape_mrkdwn("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert safe_text("@x") == f"@{ZERO_WIDTH_SPACE}x"


def test_long_answers_respect_slacks_limits() -> None:
    long_answer = ("日露間の貿易は減少した[1]。" * 12000) + " & <!channel>"
    citations = [{"number": n, "section": "Ch. 3 > Russia", "quote": "長い引用" * 200} for n in range(1, 120)]
    reply = build_reply(long_answer, citations, abstained=False, feedback_value="s:1")
    assert len(reply.blocks) <= MAX_BLOCKS
    texts = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT_LIMIT for text in texts)
    assert texts[-1].endswith(TRUNCATED) and reply.blocks[-1]["type"] == "actions"
    assert len(reply.text) <= 3000 and reply.text.endswith(TRUNCATED)
    for piece in split_text("&amp;" * 1000, 100):  # never splits an entity
        assert piece.endswith(";") and len(piece) <= 100


def test_abstentions_are_worded_as_such() -> None:
    reply = build_reply("資料には該当する記述が見当たりません。", [], abstained=True)
    assert "Not found in the documents" in reply.text and "Sources" not in reply.text


def test_events_are_turned_into_questions() -> None:
    body = {"team_id": "T1"}
    question = question_from_event(body, mention("  質問 ", "1.0"), BOT_USER)
    assert question is not None and question.text == "質問" and question.thread_ts == "1.0"
    assert question.conversation_key == "slack:T1:C1:1.0"
    assert strip_mention("<@UOTHER> hi", BOT_USER) == "<@UOTHER> hi"
    assert question_from_event(body, {**mention("x", "1.0"), "subtype": "message_changed"}, BOT_USER) is None


# --- the store and the CLI ---------------------------------------------------------------------------------

def test_store_claims_keys_maps_threads_and_keeps_feedback(tmp_path: Path) -> None:
    now = [1000.0]
    store = SQLiteSessionStore(tmp_path / "s.sqlite3", SessionLimits(idle_ttl_seconds=100), clock=lambda: now[0])
    assert store.claim_event("Ev1", lease_seconds=10) and not store.claim_event("Ev1", lease_seconds=10)
    now[0] += 11
    assert store.claim_event("Ev1", lease_seconds=10)  # the lease lapsed
    first = store.session_for_key("slack:T:C:1")
    assert store.session_for_key("slack:T:C:1") == first and store.session_for_key("slack:T:C:2") != first
    now[0] += 101
    assert store.session_for_key("slack:T:C:1") != first  # expired: a new conversation
    store.add_feedback({"rating": "up", "question": "質問"})
    assert store.feedback() == [{"rating": "up", "question": "質問"}]
    store.close()


def test_feedback_export_and_socket_mode_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from service.config import get_settings

    get_settings.cache_clear()
    store = SQLiteSessionStore(tmp_path / "data" / "sessions.sqlite3")
    store.add_feedback({"user_id": "U1", "rating": "down", "question": "質問", "answer": "答え"})
    store.close()
    out = tmp_path / "feedback.jsonl"
    assert cli_main(["feedback", "export", "--out", str(out)]) == 0
    assert [json.loads(line)["question"] for line in out.read_text(encoding="utf-8").splitlines()] == ["質問"]
    assert cli_main(["feedback", "export"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["answer"] == "答え"
    assert cli_main(["slack", "--socket"]) == 2
    assert "BLUEBOOK_SLACK_APP_TOKEN" in capsys.readouterr().err
    get_settings.cache_clear()


def test_redis_store_claims_keys_maps_threads_and_keeps_feedback(redis_url: str) -> None:  # noqa: F811
    from service.sessions import RedisSessionStore

    store = RedisSessionStore(redis_url, prefix=f"bluebook-test-{time.time_ns()}:")
    assert store.claim_event("Ev1") and not store.claim_event("Ev1")
    first = store.session_for_key("slack:T:C:1")
    assert store.session_for_key("slack:T:C:1") == first and store.session_for_key("slack:T:C:2") != first
    store.delete(first)
    assert store.session_for_key("slack:T:C:1") != first  # gone: a new conversation
    store.add_feedback({"rating": "up"})
    assert store.feedback() == [{"rating": "up"}]
    store.close()
