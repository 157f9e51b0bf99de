"""The evaluation: dataset validation, Japanese-aware scoring, metrics, report; and the CI quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main as cli_main
from service.config import PROJECT_ROOT, Settings, get_settings
from service.evaluate import (
    ANSWER_TYPES,
    METRIC_KEYS,
    SPLITS,
    DatasetError,
    EvalItem,
    ItemResult,
    aggregate,
    answer_score,
    check_thresholds,
    gap_lines,
    load_dataset,
    metrics_for,
    score_item,
    short_answer_correct,
    squash,
    write_outputs,
)

GOOD = {"id": "q1", "question": "NATOに加盟した国は？", "history": [], "answers": ["フィンランド"],
        "evidence": ["フィンランドのNATO加盟が実現"], "answerable": True, "lang": "ja", "type": "factoid",
        "split": "tune", "answer_type": "place"}
CORPUS = ["…フィンランドのNATO加盟が実現した。"]


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
                    encoding="utf-8")
    return path


def test_the_committed_dev_set_is_valid_and_covers_every_type() -> None:
    items = load_dataset(PROJECT_ROOT / "eval" / "dev.jsonl")
    assert len(items) >= 80
    assert {"factoid", "numeric", "multi", "followup", "unanswerable", "en"} <= {i.type for i in items}
    assert any(i.history for i in items) and {"ja", "en"} <= {i.lang for i in items}
    assert all(i.answer_type in ANSWER_TYPES for i in items)


@pytest.mark.parametrize("dataset", ["holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl",
                                     "holdout4.jsonl", "holdout5.jsonl", "holdout6.jsonl"])
def test_the_holdout_sets_are_valid_and_cover_every_type(dataset: str) -> None:
    items = load_dataset(PROJECT_ROOT / "eval" / dataset)
    assert len(items) == 100 and {i.split for i in items} == {"check"}
    assert {"factoid", "numeric", "multi", "followup", "unanswerable", "en"} <= {i.type for i in items}


def test_the_committed_dev_set_is_split_half_and_half_within_every_type() -> None:
    items = load_dataset(PROJECT_ROOT / "eval" / "dev.jsonl")
    for kind in {i.type for i in items}:
        splits = [i.split for i in items if i.type == kind]
        # Alternating within each type keeps the halves equal; items written in several batches may leave one
        # or two over.
        assert abs(splits.count("tune") - splits.count("check")) <= max(2, len(splits) // 20), (kind, splits)


# The holdout's later variants are normalised forms ("2023年8月" for a "8月" the year is implied for): only its
# first answer, the span as the chapter writes it, must be chapter text.
@pytest.mark.parametrize("dataset, variants", [("dev.jsonl", slice(None)), ("holdout.jsonl", slice(1)),
                                               ("holdout2.jsonl", slice(1)), ("holdout3.jsonl", slice(1)),
                                               ("holdout4.jsonl", slice(1)), ("holdout5.jsonl", slice(1)),
                                               ("holdout6.jsonl", slice(1))])
def test_every_item_is_grounded_in_the_chapter(dataset: str, variants: slice) -> None:
    """Evidence is verbatim chapter text (after the scorer's normalisation) and every gold answer is in its
    evidence or the chapter, so a wrong gold cannot hide in the set; yes/no and English glosses excepted."""
    from index.corpus import load_corpus

    chapter = "".join(squash(document.clean().text) for document in load_corpus(PROJECT_ROOT / "corpus"))
    problems = []
    for item in load_dataset(PROJECT_ROOT / "eval" / dataset):
        problems += [f"{item.id}: evidence {e!r}" for e in item.evidence if squash(e) not in chapter]
        for answer in item.answers[variants]:
            gloss = ((item.lang == "en" and answer.isascii())
                     or (item.answer_type == "yesno" and answer in ("はい", "いいえ", "Yes", "No")))
            if not gloss and squash(answer) not in chapter:
                problems.append(f"{item.id}: answer {answer!r}")
    assert problems == []


# Documents of the same genre on other regions, written by the team (not MOFA's text): eval/doc2 measures whether the
# answer rules carry over (all `check`); eval/doc3 to eval/doc10 are development material with a tune/check split
# within each type.
OTHER_DOCUMENTS = [
    ("doc2", "diplomatic-bluebook-style_ch2-2_southeast-asia.txt",
     {"factoid": 30, "numeric": 10, "en": 15, "followup": 10, "multi": 10, "unanswerable": 25}, {"check"}),
    ("doc3", "diplomatic-bluebook-style_ch2-7_middle-east.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc4", "diplomatic-bluebook-style_ch2-5_europe.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc5", "diplomatic-bluebook-style_ch2-1_east-asia.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc6", "diplomatic-bluebook-style_ch2-8_africa.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc7", "diplomatic-bluebook-style_ch2-3_south-asia.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc8", "diplomatic-bluebook-style_ch2-4_latin-america.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc9", "diplomatic-bluebook-style_ch2-6_north-america.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc10", "diplomatic-bluebook-style_ch2-2-2_oceania.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc11", "diplomatic-bluebook-style_ch3-1_security.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc12", "diplomatic-bluebook-style_ch3-3_economic-diplomacy.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc13", "diplomatic-bluebook-style_ch3-2_global-issues.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc14", "diplomatic-bluebook-style_ch4-1_consular.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc15", "diplomatic-bluebook-style_ch3-4_development-cooperation.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc16", "diplomatic-bluebook-style_ch4-2_public-diplomacy.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc17", "diplomatic-bluebook-style_ch3-5_rule-of-law-un.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"tune", "check"}),
    ("doc19", "diplomatic-bluebook-style_ch3-6_science-space-cyber-oceans.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"check"}),
    ("doc20", "diplomatic-bluebook-style_ch2-6_russia-central-asia-2022.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"check"}),
    ("doc18", "diplomatic-bluebook-style_ch1_overview.txt",
     {"factoid": 25, "numeric": 10, "en": 15, "followup": 8, "multi": 7, "unanswerable": 35}, {"check"}),
]


@pytest.mark.parametrize("name, source, mix, splits", OTHER_DOCUMENTS, ids=[row[0] for row in OTHER_DOCUMENTS])
def test_another_document_set_is_valid_and_grounded_in_its_own_document(name: str, source: str, mix: dict,
                                                                         splits: set) -> None:
    """eval/<name>.jsonl asks about eval/<name>'s chapter, not the corpus one: its mix and splits as written, its
    evidence verbatim in that document (read as the corpus loader reads it, README skipped), and its gold in it too:
    the first variant (a multi item's every part; a yes/no item's deciding words), English glosses excepted."""
    from index.corpus import load_corpus

    documents = load_corpus(PROJECT_ROOT / "eval" / name)
    assert [document.source for document in documents] == [source]
    text = squash(documents[0].clean().text)
    items = load_dataset(PROJECT_ROOT / "eval" / f"{name}.jsonl")
    assert len(items) == 100 and {i.split for i in items} == splits
    assert {kind: sum(i.type == kind for i in items) for kind in mix} == mix
    assert all(i.history for i in items if i.type == "followup")
    assert {i.answer_type for i in items} == set(ANSWER_TYPES)
    for kind in mix:  # alternated within each type, so each split has its share of every kind
        kinds = [i.split for i in items if i.type == kind]
        assert max(kinds.count(split) for split in splits) - min(kinds.count(split) for split in splits) <= 2, kind
    problems = []
    for item in items:
        problems += [f"{item.id}: evidence {e!r}" for e in item.evidence if squash(e) not in text]
        if item.type == "multi":
            golds = item.answers
        elif item.answer_type == "yesno":
            golds = [a for a in item.answers if squash(a) not in ("はい", "いいえ", "yes", "no")][:1]
        else:
            golds = item.answers[:1]
        for answer in golds:
            if not (item.lang == "en" and answer.isascii()) and squash(answer) not in text:
                problems.append(f"{item.id}: answer {answer!r}")
    assert problems == []


@pytest.mark.parametrize("row, message", [
    ("{not json", ":2: not valid JSON"),
    ({**GOOD, "id": "q2", "answers": "フィンランド"}, "field 'answers' must be list"),
    ({k: v for k, v in GOOD.items() if k != "lang"} | {"id": "q2"}, "field 'lang' is missing"),
    ({**GOOD, "id": "q2", "answerable": "yes"}, "field 'answerable' must be bool"),
    ({**GOOD, "id": "q1"}, "field 'id' repeats"),
    ({**GOOD, "id": "q2", "answerable": False}, "must be empty when answerable is false"),
    ({**GOOD, "id": "q2", "history": [{"role": "bot", "content": "x"}]}, "field 'history'"),
    ({k: v for k, v in GOOD.items() if k != "split"} | {"id": "q2"}, "field 'split' is missing"),
    ({**GOOD, "id": "q2", "split": "test"}, "field 'split' must be one of tune, check, got 'test'"),
    ({**GOOD, "id": "q2", "answer_type": "country"}, "field 'answer_type' must be one of person"),
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


def test_answer_type_is_optional_and_split_is_read(tmp_path: Path) -> None:
    row = {k: v for k, v in GOOD.items() if k != "answer_type"}
    items = load_dataset(write_lines(tmp_path / "set.jsonl", [row, {**GOOD, "id": "q2", "split": "check"}]))
    assert [(i.split, i.answer_type) for i in items] == [("tune", None), ("check", "place")]


def test_short_answer_is_a_normalised_exact_match_with_a_gold_variant() -> None:
    item = EvalItem("q", "?", [], ["2,000億ドル", "2000億ドル"], ["x"], True, "ja", "numeric", "tune", "number")
    assert short_answer_correct(item, "２０００億ドル")
    assert short_answer_correct(item, " 2,000 億ドル ")
    assert not short_answer_correct(item, "2,000億ドルを前倒しで")  # containing the answer is not enough
    assert not short_answer_correct(item, "2,000")
    assert not short_answer_correct(item, None) and not short_answer_correct(item, "")



def test_a_multi_part_short_answer_must_give_every_part() -> None:
    item = EvalItem("q", "?", [], ["6月", "12月"], ["x"], True, "ja", "multi", "check", "date")
    assert short_answer_correct(item, "6月、12月") and short_answer_correct(item, "2023年12月、6月")
    assert not short_answer_correct(item, "6月")  # one part is not the answer
    assert not short_answer_correct(item, "6月、7月")


def test_a_yes_no_answer_is_scored_on_the_words_that_decide_it_and_its_short_answer_on_the_verdict() -> None:
    item = EvalItem("q", "?", [], ["いいえ", "参戦はしていない"], ["x"], True, "ja", "factoid", "tune", "yesno")
    assert answer_score(item, "いいえ。「…参戦はしていないものの、…」[1]") == 1.0
    assert answer_score(item, "いいえ。「…自国領域の使用を通じて支援している。」[1]") == 0.0  # any answer has a verdict
    assert short_answer_correct(item, "いいえ") and not short_answer_correct(item, "はい")


def respond(answer: str, short_answer: str | None = None, abstained: bool = False) -> dict:
    passage = {"passage_id": "p1", "text": "フィンランドのNATO加盟が\n実現した。"}
    citations = [] if abstained else [{"passage_id": "p1", "quote": "フィンランドのNATO加盟"}]
    return {"answer": answer, "short_answer": short_answer, "abstained": abstained, "citations": citations,
            "passages": [passage]}


def scored(item_id: str, split: str, answer_type: str | None, response: dict, answerable: bool = True) -> ItemResult:
    item = EvalItem(item_id, "?", [], ["フィンランド"] if answerable else [], ["フィンランドのNATO加盟"] if answerable
                    else [], answerable, "ja", "factoid" if answerable else "unanswerable", split, answer_type)
    return score_item(item, response, 10.0, CORPUS, lambda _: None)


def test_short_answer_accuracy_counts_only_typed_answerable_items() -> None:
    results = [
        scored("a", "tune", "place", respond("フィンランドです。", "フィンランド")),
        scored("b", "tune", "place", respond("フィンランドです。")),  # no short_answer field: wrong
        scored("c", "tune", "place", respond("フィンランドです。", "フィンランド", abstained=True)),  # abstained
        scored("d", "tune", "description", respond("フィンランドです。", "フィンランド")),  # not typed: not counted
        scored("e", "tune", None, respond("フィンランドです。", "x")),  # no answer type: not counted
        scored("f", "tune", "list", respond("フィンランドです。", "x")),  # a list has no single short answer
        scored("g", "tune", "person", respond("資料には…", None, abstained=True), answerable=False),
    ]
    assert [r.short_answer_correct for r in results] == [True, False, False, None, None, None, None]
    assert aggregate(results)["short_answer_accuracy"] == round(1 / 3, 4)
    assert results[1].passed()["short_answer"] is False and "short_answer" not in results[3].passed()
    row = results[0].to_json()
    assert row["short_answer"] == "フィンランド" and row["split"] == "tune" and row["answer_type"] == "place"


def test_every_metric_block_has_the_same_keys() -> None:
    results = [scored("a", "tune", "place", respond("フィンランドです。", "フィンランド")),
               scored("b", "check", "person", respond("資料には…", None, abstained=True), answerable=False)]
    metrics = metrics_for(results, {})
    blocks = [metrics["overall"], *metrics["by_type"].values(), *metrics["by_lang"].values(),
              *metrics["by_answer_type"].values()]
    for split in SPLITS:
        scoped = metrics["by_split"][split]
        blocks += [scoped["overall"], *scoped["by_type"].values(), *scoped["by_answer_type"].values()]
    assert all(tuple(block) == METRIC_KEYS for block in blocks)
    assert set(metrics["by_answer_type"]) == {"place", "person"}
    assert metrics["by_split"]["tune"]["overall"]["n"] == 1 and metrics["by_split"]["check"]["overall"]["n"] == 1


def test_split_gap_is_measured_and_large_gaps_are_flagged() -> None:
    right, wrong = respond("フィンランドです。", "フィンランド"), respond("スウェーデンです。", "スウェーデン")
    results = ([scored(f"t{i}", "tune", "place", right) for i in range(4)]
               + [scored(f"c{i}", "check", "place", right if i < 3 else wrong) for i in range(4)])
    metrics = metrics_for(results, {})
    gap = metrics["split_gap"]["answer_accuracy"]
    assert gap == {"tune": 1.0, "check": 0.75, "gap": -0.25, "flagged": True}
    assert metrics["split_gap"]["quote_validity"]["flagged"] is False
    assert any(line.startswith("answer_accuracy: tune=1.0 check=0.75 gap=-0.2500") and "gap > 0.03" in line
               for line in gap_lines(metrics))
    assert not any(line.startswith("quote_validity") and "gap >" in line for line in gap_lines(metrics))


def test_the_gate_reads_the_split_the_thresholds_name() -> None:
    right, wrong = respond("フィンランドです。", "フィンランド"), respond("スウェーデンです。", "スウェーデン")
    results = [scored("t", "tune", "place", wrong), scored("c", "check", "place", right)]
    metrics = metrics_for(results, {})
    floor = {"overall": {"answer_accuracy": {"min": 0.9}}, "by_type": {"factoid": {"answer_accuracy": {"min": 0.9}}}}
    assert check_thresholds(metrics, {"split": "check", "note": "why these floors", **floor}) == []
    assert check_thresholds(metrics, {"split": "tune", **floor}) == [
        "tune.overall.answer_accuracy = 0.0 is below the floor 0.9",
        "tune.by_type.factoid.answer_accuracy = 0.0 is below the floor 0.9"]
    assert check_thresholds(metrics, floor) == ["overall.answer_accuracy = 0.5 is below the floor 0.9",
                                                "by_type.factoid.answer_accuracy = 0.5 is below the floor 0.9"]
    assert check_thresholds(metrics, {"split": "check", "max_split_gap": 0.03}) == [
        "split_gap.answer_accuracy = 1.0 (tune 0.0, check 1.0) is larger than 0.03",
        "split_gap.short_answer_accuracy = 1.0 (tune 0.0, check 1.0) is larger than 0.03"]
    only_tune = metrics_for(results[:1], {})
    assert check_thresholds(only_tune, {"split": "check", **floor}) == [
        "split 'check' was not measured (the question set has no check items)"]
    assert check_thresholds(metrics, {"split": "dev"}) == ["thresholds name split 'dev'; it must be one of tune, check"]
    assert check_thresholds(metrics, {"by_colour": {}}) == ["thresholds name an unknown scope 'by_colour'"]


def test_the_committed_thresholds_gate_the_check_split() -> None:
    thresholds = json.loads((PROJECT_ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))
    assert thresholds["split"] == "check"


def test_metrics_from_scored_items(tmp_path: Path) -> None:
    item = EvalItem(**GOOD)
    unanswerable = EvalItem("q2", "人口は？", [], [], [], False, "ja", "unanswerable", "check")
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
    assert set(metrics) == {"overall", "by_type", "by_lang", "by_answer_type", "by_split", "split_gap", "config"}
    assert check_thresholds(metrics, {"overall": {"abstention_accuracy": {"min": 0.5}}}) == [
        "overall.abstention_accuracy = 0.0 is below the floor 0.5"]
    write_outputs(tmp_path / "out", {"hybrid": (metrics, [good, wrong])}, "hybrid")
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["overall"]["n"] == 2
    assert len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 2
    report = (tmp_path / "out" / "report.html").read_text()
    assert "data:image/png;base64," in report and "人口は？" in report
    assert "<h2>By split</h2>" in report and "gap (check − tune)" in report
    assert "By answer type" in report and "<th>place</th>" in report


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
