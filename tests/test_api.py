"""HTTP API over the tiny corpus with the fake embedder: shapes, errors and citations."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.errors import IndexNotBuiltError


def test_ask_returns_an_answer_with_verified_citations(fake_client: TestClient) -> None:
    response = fake_client.post("/v1/ask", json={"question": "2023年の日露間の貿易はどれくらい減少した？"})
    assert response.status_code == 200
    body = response.json()
    assert body["abstained"] is False
    assert body["language"] == "ja"
    assert "44.3%" in body["answer"]
    citation = body["citations"][0]
    assert citation["number"] == 1 and "[1]" in body["answer"]
    assert citation["section_path"] == ["2 日露関係", "(2) 経済"]
    passage = fake_client.get(f"/v1/passages/{citation['passage_id']}").json()
    assert citation["quote"] in passage["text"]
    assert passage["start"] <= citation["start"] < citation["end"] <= passage["end"]
    assert set(body["timings_ms"]) >= {"retrieve", "answer", "total"}


def test_passages_are_limited_by_top_k(fake_client: TestClient) -> None:
    body = fake_client.post("/v1/ask", json={"question": "漁業協議について", "top_k": 2}).json()
    assert len(body["passages"]) == 2


def test_unknown_passage_is_404(fake_client: TestClient) -> None:
    response = fake_client.get("/v1/passages/no-such-passage")
    assert response.status_code == 404
    assert "no-such-passage" in response.json()["detail"]


def test_blank_question_is_422_naming_the_field(fake_client: TestClient) -> None:
    for question in ["", "   ", "\n\t"]:
        response = fake_client.post("/v1/ask", json={"question": question})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "question"


def test_too_long_question_is_422(fake_client: TestClient) -> None:
    response = fake_client.post("/v1/ask", json={"question": "ロ" * 201})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "question" and "200" in detail["msg"]


def test_wrong_types_and_out_of_range_top_k_are_422(fake_client: TestClient) -> None:
    cases = [({"question": 12}, "question"), ({"question": "ロシア", "top_k": 0}, "top_k"),
             ({"question": "ロシア", "top_k": 21}, "top_k"), ({"question": "ロシア", "top_k": "many"}, "top_k"),
             ({"question": "ロシア", "history": [{"role": "system", "content": "x"}]}, "role"), ({}, "question")]
    for payload, field in cases:
        response = fake_client.post("/v1/ask", json=payload)
        assert response.status_code == 422, payload
        assert field in response.json()["detail"][0]["loc"], (payload, response.json())


def test_malformed_json_is_400_not_500(fake_client: TestClient) -> None:
    response = fake_client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"] == "the request body is not valid JSON"


def test_history_is_accepted(fake_client: TestClient) -> None:
    response = fake_client.post("/v1/ask", json={
        "question": "輸出額は？",
        "history": [{"role": "user", "content": "日露間の貿易について教えて"},
                    {"role": "assistant", "content": "44.3%減少しました。"}]})
    assert response.status_code == 200


def test_health_and_readiness(fake_client: TestClient) -> None:
    assert fake_client.get("/healthz").json() == {"status": "ok", "detail": None}
    assert fake_client.get("/readyz").status_code == 200
    assert fake_client.get("/openapi.json").status_code == 200


def test_missing_index_makes_the_service_unready_not_broken(tmp_path: Path) -> None:
    def failing_loader(_: Settings):  # type: ignore[no-untyped-def]
        raise IndexNotBuiltError("no index at /nowhere; run `bluebook-qa index` to build it")

    with TestClient(create_app(Settings(index_dir=tmp_path), loader=failing_loader)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "bluebook-qa index" in ready.json()["detail"]
        response = client.post("/v1/ask", json={"question": "ロシア"})
        assert response.status_code == 503
        assert response.json()["detail"].startswith("index not loaded")
