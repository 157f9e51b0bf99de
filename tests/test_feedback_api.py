"""POST /v1/feedback: validated, stored with the Slack feedback, exported by `bluebook-qa feedback export`;
and the web page's files are served by the same app."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.cli import main as cli_main
from service.config import PROJECT_ROOT, get_settings

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


def asked(client: TestClient) -> dict:
    response = client.post("/v1/chat", json={"message": QUESTION})
    assert response.status_code == 200
    return response.json()


def test_feedback_is_stored_with_its_question_and_answer_and_exported(fake_client: TestClient, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    answer = asked(fake_client)
    session_id = answer["session_id"]
    turn_id = fake_client.get(f"/v1/sessions/{session_id}").json()["turns"][1]["turn_id"]
    assert len(turn_id) == 32
    response = fake_client.post("/v1/feedback", json={"session_id": session_id, "turn_id": turn_id, "rating": "down",
                                                      "comment": "  数字の出典がほしい  "})
    assert response.status_code == 201
    assert response.json() == {"session_id": session_id, "turn_id": turn_id, "turn": 1, "rating": "down",
                               "comment": "数字の出典がほしい"}
    by_position = fake_client.post("/v1/feedback", json={"session_id": session_id, "turn": 1, "rating": "up",
                                                         "comment": "   "})
    assert by_position.status_code == 201 and by_position.json()["comment"] is None
    assert by_position.json()["turn_id"] == turn_id

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
    # answer_ref as the Slack buttons write it: session and turn id.
    assert first["comment"] == "数字の出典がほしい" and first["answer_ref"] == f"{session_id}:{turn_id}"
    assert isinstance(first["created_at"], float)


@pytest.mark.parametrize(("body", "field"), [
    ({"turn": 1, "rating": "up"}, "session_id"),
    ({"session_id": "../etc", "turn": 1, "rating": "up"}, "session_id"),
    ({"session_id": "a" * 32, "rating": "up"}, "body"),
    ({"session_id": "a" * 32, "turn": 1, "turn_id": "b" * 32, "rating": "up"}, "body"),
    ({"session_id": "a" * 32, "turn_id": "not-an-id", "rating": "up"}, "turn_id"),
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
    question_id = fake_client.get(f"/v1/sessions/{session_id}").json()["turns"][0]["turn_id"]
    for turn_id in (question_id, "c" * 32):  # a question is not an answer; an id that is not there
        response = fake_client.post("/v1/feedback", json={"session_id": session_id, "turn_id": turn_id,
                                                          "rating": "up"})
        assert response.status_code == 404 and f"no answer at turn id {turn_id}" in response.json()["detail"]
    assert fake_client.post("/v1/feedback", content=b"{not json", headers={"content-type": "application/json"}
                            ).status_code == 400  # malformed JSON (see service/api/operations.py)
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


def test_ci_installs_the_browser_and_the_package_ships_the_page() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = re.search(r"apt-get install[^\n]*\bchromium\b[^\n]*\\\n[^\n]*|apt-get install[^\n]*\bchromium\b", ci)
    assert install and ci.index("apt-get update") < install.start() and "fonts-ipafont-gothic" in install.group()
    assert "playwright install" not in ci
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"playwright>=' in pyproject and '"service.web" = ["static/*"]' in pyproject
    assert {p.name for p in (PROJECT_ROOT / "service" / "web" / "static").iterdir()} >= {"index.html", "app.js",
                                                                                         "style.css"}


def test_the_streamed_done_event_names_the_answers_turn(fake_client: TestClient) -> None:
    response = fake_client.post("/v1/chat/stream", json={"message": QUESTION})
    done = [block for block in response.text.replace("\r\n", "\n").split("\n\n") if block.startswith("event: done")]
    assert len(done) == 1
    event = json.loads(done[0].split("data: ", 1)[1])
    session = fake_client.get(f"/v1/sessions/{event['session_id']}").json()
    assert event["turn_id"] == session["turns"][1]["turn_id"] and len(event["turn_id"]) == 32
    rated = fake_client.post("/v1/feedback", json={"session_id": event["session_id"], "turn_id": event["turn_id"],
                                                   "rating": "up"})
    assert rated.status_code == 201 and rated.json()["turn"] == 1
