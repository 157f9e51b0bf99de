"""The evaluation: dataset validation, Japanese-aware scoring, metrics, report; and the CI quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main as cli_main
from service.config import PROJECT_ROOT, Settings, get_settings
from service.evaluate import (
    DatasetError,
    EvalItem,
    aggregate,
    answer_score,
    check_thresholds,
    load_dataset,
    metrics_for,
    score_item,
    squash,
    write_outputs,
)

GOOD = {"id": "q1", "question": "NATOに加盟した国は？", "history": [], "answers": ["フィンランド"],
        "evidence": ["フィンランドのNATO加盟が実現"], "answerable": True, "lang": "ja", "type": "factoid"}


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
                    encoding="utf-8")
    return path


def test_the_committed_dev_set_is_valid_and_covers_every_type() -> None:
    items = load_dataset(PROJECT_ROOT / "eval" / "dev.jsonl")
    assert len(items) >= 80
    assert {"factoid", "numeric", "multi", "followup", "unanswerable", "en"} <= {i.type for i in items}
    assert any(i.history for i in items) and {"ja", "en"} <= {i.lang for i in items}


@pytest.mark.parametrize("row, message", [
    ("{not json", ":2: not valid JSON"),
    ({**GOOD, "id": "q2", "answers": "フィンランド"}, "field 'answers' must be list"),
    ({k: v for k, v in GOOD.items() if k != "lang"} | {"id": "q2"}, "field 'lang' is missing"),
    ({**GOOD, "id": "q2", "answerable": "yes"}, "field 'answerable' must be bool"),
    ({**GOOD, "id": "q1"}, "field 'id' repeats"),
    ({**GOOD, "id": "q2", "answerable": False}, "must be empty when answerable is false"),
    ({**GOOD, "id": "q2", "history": [{"role": "bot", "content": "x"}]}, "field 'history'"),
])
def test_a_malformed_line_is_rejected_with_its_number_and_field(tmp_path: Path, row: object, message: str) -> None:
    path = write_lines(tmp_path / "set.jsonl", [GOOD, row])
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")) as error:
        load_dataset(path)
    assert ":2:" in str(error.value)


def test_scoring_is_japanese_aware() -> None:
    assert squash("２，０００億ドル") == squash("2000億ドル") == "2000億ドル"
    assert squash("封じ込\nめられて いる") == "封じ込められている"
    item = EvalItem("q", "?", [], ["2,000億ドル"], ["x"], True, "ja", "numeric")
    assert answer_score(item, "目標額としていた2000億ドルを前倒しで達成した。") == 1.0
    multi = EvalItem("q", "?", [], ["フィンランド", "スウェーデン"], ["x"], True, "ja", "multi")
    assert answer_score(multi, "フィンランドが加盟した") == 0.5


def test_metrics_from_scored_items(tmp_path: Path) -> None:
    item = EvalItem(**GOOD)
    unanswerable = EvalItem("q2", "人口は？", [], [], [], False, "ja", "unanswerable")
    passage = {"passage_id": "p1", "text": "フィンランドのNATO加盟が\n実現した。"}
    good = score_item(item, {"answer": "フィンランドのNATO加盟が実現した。[1]", "abstained": False,
                             "citations": [{"passage_id": "p1", "quote": "フィンランドのNATO加盟"}],
                             "passages": [{"passage_id": "p0", "text": "別の話"}, passage]},
                      120.0, ["…フィンランドのNATO加盟が実現した。"], lambda _: None)
    wrong = score_item(unanswerable, {"answer": "x", "abstained": False, "citations": [], "passages": []},
                       80.0, [], lambda _: None)
    assert good.first_relevant_rank == 2
    overall = aggregate([good, wrong])
    assert overall["recall@1"] == 0.0 and overall["recall@5"] == 1.0 and overall["mrr"] == 0.5
    assert overall["answer_accuracy"] == 1.0 and overall["citation_precision"] == 1.0
    assert overall["quote_validity"] == 1.0 and overall["abstention_accuracy"] == 0.0
    metrics = metrics_for([good, wrong], {"answerer": "test"})
    assert set(metrics) == {"overall", "by_type", "by_lang", "config"}
    assert check_thresholds(metrics, {"overall": {"abstention_accuracy": {"min": 0.5}}}) == [
        "overall.abstention_accuracy = 0.0 is below the floor 0.5"]
    write_outputs(tmp_path / "out", {"hybrid": (metrics, [good, wrong])}, "hybrid")
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["overall"]["n"] == 2
    assert len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 2
    report = (tmp_path / "out" / "report.html").read_text()
    assert "data:image/png;base64," in report and "人口は？" in report


def test_cli_rejects_a_bad_dataset_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "bad.jsonl", [GOOD, "{oops"])
    assert cli_main(["eval", "--dataset", str(path), "--out", str(tmp_path / "o")]) == 1
    assert "bad.jsonl:2: not valid JSON" in capsys.readouterr().err


@pytest.mark.slow
def test_quality_gate_on_the_dev_set(real_settings: Settings, real_answerer: object, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The CI gate: the eval command over eval/dev.jsonl must meet eval/thresholds.json."""
    monkeypatch.setenv("BLUEBOOK_CORPUS_DIR", str(real_settings.corpus_dir))
    monkeypatch.setenv("BLUEBOOK_MODELS_DIR", str(real_settings.models_dir))
    monkeypatch.setenv("BLUEBOOK_INDEX_DIR", str(real_settings.index_dir))
    get_settings.cache_clear()
    try:
        code = cli_main(["eval", "--dataset", str(PROJECT_ROOT / "eval" / "dev.jsonl"), "--out", str(tmp_path),
                         "--thresholds", str(PROJECT_ROOT / "eval" / "thresholds.json")])
    finally:
        get_settings.cache_clear()
    captured = capsys.readouterr()
    print(captured.out)
    assert code == 0, captured.err
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["overall"]["quote_validity"] == 1.0
