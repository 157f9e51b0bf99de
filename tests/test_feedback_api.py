"""POST /v1/feedback: validated, stored with the Slack feedback, exported by `bluebook-qa feedback export`;
and the web page's files are served by the same app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.cli import main as cli_main
from service.config import get_settings

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


def asked(client: TestClient) -> dict:
    response = client.post("/v1/chat", json={"message": QUESTION})
    assert response.status_code == 200
    return response.json()


def test_feedback_is_stored_with_its_question_and_answer_and_exported(fake_client: TestClient, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    answer = asked(fake_client)
    session_id = answer["session_id"]
    response = fake_client.post("/v1/feedback", json={"session_id": session_id, "turn": 1, "rating": "down",
                                                      "comment": "  数字の出典がほしい  "})
    assert response.status_code == 201
    assert response.json() == {"session_id": session_id, "turn": 1, "rating": "down", "comment": "数字の出典がほしい"}
    assert fake_client.post("/v1/feedback", json={"session_id": session_id, "turn": 1, "rating": "up",
                                                  "comment": "   "}).json()["comment"] is None

    # The same store the Slack buttons write to, read by the CLI export (the server's data folder is tmp_path/data).
    get_settings.cache_clear()
    try:
        assert cli_main(["feedback", "export"]) == 0
    finally:
        get_settings.cache_clear()
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["rating"] for r in records] == ["down", "up"]
    first = records[0]
    assert first["source"] == "web" and first["session_id"] == session_id and first["turn"] == 1
    assert first["question"] == QUESTION and first["answer"] == answer["answer"]
    assert first["comment"] == "数字の出典がほしい" and first["answer_ref"] == f"{session_id}:1"
    assert isinstance(first["created_at"], float)


@pytest.mark.parametrize(("body", "field"), [
    ({"turn": 1, "rating": "up"}, "session_id"),
    ({"session_id": "../etc", "turn": 1, "rating": "up"}, "session_id"),
    ({"session_id": "a" * 32, "rating": "up"}, "turn"),
    ({"session_id": "a" * 32, "turn": -1, "rating": "up"}, "turn"),
    ({"session_id": "a" * 32, "turn": "first", "rating": "up"}, "turn"),
    ({"session_id": "a" * 32, "turn": 1, "rating": "meh"}, "rating"),
    ({"session_id": "a" * 32, "turn": 1}, "rating"),
    ({"session_id": "a" * 32, "turn": 1, "rating": "up", "comment": "x" * 2001}, "comment"),
    ({"session_id": "a" * 32, "turn": 1, "rating": "up", "comment": 5}, "comment"),
])
def test_bad_feedback_is_a_422_naming_the_field(fake_client: TestClient, body: dict, field: str) -> None:
    response = fake_client.post("/v1/feedback", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_feedback_on_an_unknown_session_or_turn_is_a_404(fake_client: TestClient) -> None:
    session_id = asked(fake_client)["session_id"]
    unknown = fake_client.post("/v1/feedback", json={"session_id": "f" * 32, "turn": 1, "rating": "up"})
    assert unknown.status_code == 404 and "unknown session" in unknown.json()["detail"]
    for turn in (0, 2, 99):  # the question itself, past the end
        response = fake_client.post("/v1/feedback", json={"session_id": session_id, "turn": turn, "rating": "up"})
        assert response.status_code == 404, turn
        assert f"no answer at turn {turn}" in response.json()["detail"]
    assert fake_client.post("/v1/feedback", content=b"{not json", headers={"content-type": "application/json"}
                            ).status_code == 422
    assert fake_client.app.state.session_store.feedback() == []  # type: ignore[attr-defined]


def test_the_page_and_its_files_are_served_without_outside_resources(fake_client: TestClient) -> None:
    page = fake_client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/web/app.js"' in page.text and "/web/style.css" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    script = fake_client.get("/web/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "/v1/chat/stream" in script.text
    assert fake_client.get("/web/style.css").headers["content-type"].startswith("text/css")
    assert fake_client.get("/web/../api/app.py").status_code == 404
    assert "/" not in fake_client.get("/openapi.json").json()["paths"]
