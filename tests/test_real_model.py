"""The real EmbeddingGemma model and the real index of the chapter, asked real questions over HTTP."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.chain import QuestionAnswerer, Turn
from service.cli import main as cli_main
from service.config import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

DEV_SET = PROJECT_ROOT / "eval" / "dev.jsonl"


def squash(text: str) -> str:
    """Compare as the evaluation does: NFKC, no whitespace (the PDF broke lines), no digit-group commas."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace(",", "")


def load_dev_set() -> list[dict]:
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_nato_question_over_http_cites_the_finland_passage(real_client: TestClient) -> None:
    response = real_client.post("/v1/ask", json={"question": "2023年にNATOに加盟した国は？"})
    assert response.status_code == 200
    body = response.json()
    assert not body["abstained"]
    assert "フィンランド" in body["answer"]
    assert any("フィンランドのNATO加盟" in c["quote"] for c in body["citations"])
    for citation in body["citations"]:
        passage = real_client.get(f"/v1/passages/{citation['passage_id']}").json()
        assert citation["quote"] in passage["text"]


def test_english_question_retrieves_the_japanese_passage(real_client: TestClient) -> None:
    body = real_client.post("/v1/ask", json={"question": "Which country joined NATO in 2023?"}).json()
    assert body["language"] == "en" and not body["abstained"]
    assert body["short_answer"] == "フィンランド" and body["answer_type"] == "place"
    assert body["answer"].startswith("フィンランド (quoted from the Japanese text")
    assert "The documents say" in body["answer"]
    assert any("フィンランド" in c["quote"] for c in body["citations"])


def test_followup_with_history_finds_the_earlier_topic(real_client: TestClient) -> None:
    body = real_client.post("/v1/ask", json={
        "question": "新しい名前は何になったの？",
        "history": [{"role": "user", "content": "ロシアで6月に成立した記念日の法律について教えて"},
                    {"role": "assistant", "content": "9月3日の記念日の名称を変える法案が成立しました。"}]}).json()
    assert "軍国主義日本に対する勝利" in body["answer"]


def test_a_question_asking_when_twice_answers_each_clause_from_its_own_sentence(real_client: TestClient) -> None:
    body = real_client.post("/v1/ask", json={
        "question": "ウズベキスタンで憲法が改正されたのはいつで、大統領選挙が行われたのはいつですか？"}).json()
    assert body["short_answer"] == "5月、7月"
    assert any("憲法が改正" in c["quote"] for c in body["citations"])
    assert any("任期満了前の大統領選挙" in c["quote"] for c in body["citations"])


def test_a_short_question_about_one_official_of_a_long_list_is_answered(real_client: TestClient) -> None:
    # The sentence lists three officials met, so it scores below the similarity floor against a question this
    # short; naming the person asked about, with a title, is what makes it evidence.
    body = real_client.post("/v1/ask", json={"question": "バキロフ氏はどの機関の委員長ですか？"}).json()
    assert body["short_answer"] == "国家税関委員会"
    assert any("バキロフ国家税関委員会委員長" in c["quote"] for c in body["citations"])


def test_question_about_an_absent_figure_abstains(real_client: TestClient) -> None:
    body = real_client.post("/v1/ask", json={"question": "カザフスタンの人口は何人ですか？"}).json()
    assert body["abstained"] is True
    assert body["citations"] == []
    assert body["answer"] == "資料には該当する記述が見当たりません。"


def test_dev_set_quality_floor(real_answerer: QuestionAnswerer) -> None:
    """Over our own question set (all sections, all types): the right passage is retrieved and cited,
    every quote is verbatim, and unanswerable questions mostly abstain. Floors sit a little under what
    was measured, so a real regression fails here (the eval command reports the full figures)."""
    items = load_dev_set()
    assert len(items) >= 80
    answerable = [item for item in items if item["answerable"]]
    retrieved_at_5 = correct = cited_right = 0
    for item in items:
        history = [Turn(turn["role"], turn["content"]) for turn in item["history"]]
        result = real_answerer.ask(item["question"], history, top_k=10).answer
        for citation in result.citations:
            document = real_answerer.index.documents[citation.doc_id]
            assert document.text[citation.start:citation.end] == citation.quote, item["id"]
        if not item["answerable"]:
            continue
        evidence = [squash(e) for e in item["evidence"]]
        ranks = [rank for rank, p in enumerate(result.passages, start=1)
                 if any(e in squash(p.passage.text) for e in evidence)]
        retrieved_at_5 += bool(ranks and ranks[0] <= 5)
        cited_right += any(any(e in squash(real_answerer.index.passage_by_id(c.passage_id).text) for e in evidence)
                           for c in result.citations)
        golds = [squash(g) for g in item["answers"]]
        if item["type"] == "multi":
            correct += sum(g in squash(result.answer) for g in golds) / len(golds)
        else:
            correct += any(g in squash(result.answer) for g in golds)
    n = len(answerable)
    assert retrieved_at_5 / n >= 0.95, retrieved_at_5 / n
    assert correct / n >= 0.80, correct / n
    assert cited_right / n >= 0.85, cited_right / n


def test_cli_ask_prints_json_with_citations(real_settings: Settings, real_answerer: QuestionAnswerer,
                                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    from service.config import get_settings

    monkeypatch.setenv("BLUEBOOK_CORPUS_DIR", str(real_settings.corpus_dir))
    monkeypatch.setenv("BLUEBOOK_MODELS_DIR", str(real_settings.models_dir))
    monkeypatch.setenv("BLUEBOOK_INDEX_DIR", str(real_settings.index_dir))
    get_settings.cache_clear()
    try:
        assert cli_main(["ask", "ワグネルの代表の名前は？", "--json"]) == 0
    finally:
        get_settings.cache_clear()
    body = json.loads(capsys.readouterr().out)
    assert "プリゴジン" in body["answer"]
    assert body["citations"] and body["citations"][0]["quote"] in body["answer"]


def test_cli_reports_a_missing_index_without_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from service.config import get_settings

    monkeypatch.setenv("BLUEBOOK_INDEX_DIR", str(tmp_path / "missing"))
    get_settings.cache_clear()
    try:
        assert cli_main(["ask", "ロシア"]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "error: no index" in err and "bluebook-qa index" in err and "Traceback" not in err


def test_conversation_follow_ups_over_chat(real_settings: Settings, real_answerer: QuestionAnswerer,
                                           tmp_path: Path) -> None:
    """The issue's conversation: a law, then its new name, then Japan's response, each a follow-up."""
    from service.api.app import create_app

    settings = real_settings.model_copy(update={"data_dir": tmp_path / "data"})
    with TestClient(create_app(settings, loader=lambda _: real_answerer)) as client:
        first = client.post("/v1/chat", json={"message": "ロシアで6月に成立した記念日の法律について教えて"}).json()
        session_id = first["session_id"]
        assert "第二次世界大戦終了の日" in first["answer"]
        follow_up = {"session_id": session_id, "message": "新しい名前は何になったの？"}
        second = client.post("/v1/chat", json=follow_up).json()
        assert "軍国主義日本に対する勝利" in second["answer"]
        third = client.post("/v1/chat", json={"session_id": session_id, "message": "それに日本はどう対応した？"}).json()
        assert not third["abstained"]
        assert any("日本の立場を申し入れる" in c["quote"] for c in third["citations"]), third["answer"]
        assert len(client.get(f"/v1/sessions/{session_id}").json()["turns"]) == 6
