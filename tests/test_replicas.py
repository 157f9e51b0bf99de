"""Two real server processes sharing one real redis-server, as in compose.yaml: a conversation moves between them,
a Slack retry that lands on the other replica is answered once, the rate limit is one budget, and every log line
is JSON with the request id."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.keys import RedisKeyStore
from tests.servers import ServerProcess
from tests.test_chat import redis_url  # noqa: F401 (a fixture: TEST_REDIS_URL, or a redis-server of its own)
from tests.test_slack import SECRET, TOKEN, FakeSlack, event_callback, mention, signed

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


@pytest.fixture
def replicas(tmp_path: Path, redis_url: str) -> Iterator[tuple[ServerProcess, ServerProcess, FakeSlack, str]]:  # noqa: F811
    prefix = f"bluebook-test-{time.time_ns()}:"
    slack = FakeSlack()
    settings = {"BLUEBOOK_SESSION_URL": redis_url, "BLUEBOOK_REDIS_PREFIX": prefix, "BLUEBOOK_RATE_LIMIT": "6/minute",
                "BLUEBOOK_SLACK_BOT_TOKEN": TOKEN, "BLUEBOOK_SLACK_SIGNING_SECRET": SECRET,
                "BLUEBOOK_SLACK_API_URL": slack.url + "/api/", "BLUEBOOK_LOG_FORMAT": "json"}
    started: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            started.append(ServerProcess(tmp_path, {**settings, "BLUEBOOK_DATA_DIR": str(tmp_path / name)}))
        yield started[0], started[1], slack, prefix
    finally:
        for server in started:
            server.stop()
        slack.close()


def test_two_replicas_share_conversations_slack_claims_and_rate_limits(
        replicas: tuple[ServerProcess, ServerProcess, FakeSlack, str], redis_url: str) -> None:  # noqa: F811
    one, two, slack, prefix = replicas
    keys = RedisKeyStore(redis_url, prefix=prefix + "apikey:")
    talker, limited = keys.create("talker"), keys.create("limited")
    keys.close()

    # A key created once is honoured by both replicas at once.
    for server in (one, two):
        assert httpx.post(server.url + "/v1/ask", json={"question": QUESTION}).status_code == 401

    # A conversation begun on one replica continues on the other.
    auth = {"Authorization": f"Bearer {talker}"}
    first = httpx.post(one.url + "/v1/chat", json={"message": QUESTION}, headers=auth, timeout=30)
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]
    second = httpx.post(two.url + "/v1/chat", json={"session_id": session_id, "message": "日本からの輸出額は？"},
                        headers={**auth, "X-Request-ID": "replica-b-1"}, timeout=30)
    assert second.status_code == 200 and second.json()["session_id"] == session_id
    turns = httpx.get(f"{one.url}/v1/sessions/{session_id}", headers=auth).json()["turns"]
    assert [t["content"] for t in turns[::2]] == [QUESTION, "日本からの輸出額は？"]

    # Slack delivers a mention to one replica and retries it to the other: one answer.
    event = json.dumps(event_callback(mention(QUESTION, f"{time.time():.6f}")))
    headers = {"Content-Type": "application/json"}
    assert httpx.post(one.url + "/slack/events", content=event, headers={**headers, **signed(event)}).status_code == 200
    retry = {**headers, **signed(event), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert httpx.post(two.url + "/slack/events", content=event, headers=retry).status_code == 200
    slack.wait_for(1, timeout=30)
    time.sleep(1.0)
    assert len(slack.posts()) == 1

    # One rate-limit budget for the key across both replicas (6 a minute).
    limited_auth = {"Authorization": f"Bearer {limited}"}
    statuses = [httpx.get(f"{server.url}/v1/passages/none", headers=limited_auth).status_code
                for server in (one, two, one, two, one, two, one)]
    assert statuses[:6] == [404] * 6 and statuses[6] == 429

    # Every log line is JSON; the request id given to replica b is in its lines, the question text is not.
    lines = [json.loads(line) for line in two.logs().splitlines() if line.startswith("{")]
    assert lines and len(lines) == len([line for line in two.logs().splitlines() if line.strip()])
    access = [line for line in lines if line["request_id"] == "replica-b-1" and line["logger"] == "bluebook_qa.access"]
    assert access and access[0]["route"] == "/v1/chat" and access[0]["status"] == 200
    assert QUESTION not in two.logs()
