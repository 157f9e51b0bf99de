"""Evaluation: run a JSONL question set through the service and score what users feel, in Japanese.

Scoring is Japanese-aware: NFKC (full-/half-width forms compare equal), no whitespace (the PDF broke
lines), and digit-group commas dropped so 「2,000億ドル」 equals 「2000億ドル」.

Every item belongs to a split: rules and thresholds are chosen on `tune`, the quality gate reads `check`, and a
gap between the two larger than SPLIT_GAP_LIMIT says a rule was fitted to the wording of the tuning questions.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import BluebookError

REQUIRED_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str, "question": str, "history": list, "answers": list, "evidence": list,
    "answerable": bool, "lang": str, "type": str}
SPLITS = ("tune", "check")
# What a question asks for. The first seven have one short typed answer (a name, a date, a figure with its
# unit...) that `short_answer` must give exactly; `description` (a reason, how, what happened) and `list` do not.
SHORT_ANSWER_TYPES = ("person", "place", "organization", "date", "number", "name", "yesno")
ANSWER_TYPES = (*SHORT_ANSWER_TYPES, "description", "list")
METRIC_KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr", "answer_accuracy", "short_answer_accuracy",
               "citation_precision", "citation_recall", "quote_validity", "abstention_accuracy", "false_abstention",
               "latency_ms_p50", "latency_ms_p95")
# Metrics compared between the splits; a larger difference than the limit is flagged in every report.
GAP_METRICS = ("recall@5", "answer_accuracy", "short_answer_accuracy", "citation_precision", "quote_validity",
               "abstention_accuracy", "false_abstention")
SPLIT_GAP_LIMIT = 0.03

AskFunction = Callable[[str, list[dict[str, str]], int], dict[str, Any]]


class DatasetError(BluebookError):
    """A question-set line is malformed; the message names the line and the field."""


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    history: list[dict[str, str]]
    answers: list[str]
    evidence: list[str]
    answerable: bool
    lang: str
    type: str
    split: str = "tune"
    answer_type: str | None = None

    @property
    def has_short_answer(self) -> bool:
        """Whether the item is scored on `short_answer`: answerable and asking for one typed span."""
        return self.answerable and self.answer_type in SHORT_ANSWER_TYPES


def squash(text: str) -> str:
    """Normalise for comparison: NFKC, lower case, no whitespace, no commas inside numbers."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d)", "", text)


def load_dataset(path: Path) -> list[EvalItem]:
    """Read and validate a question set; the first bad line raises with its number and field."""
    if not path.is_file():
        raise DatasetError(f"dataset {path} does not exist")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise DatasetError(f"{path}:{number}: expected a JSON object")
        for name, kind in REQUIRED_FIELDS.items():
            if name not in row:
                raise DatasetError(f"{path}:{number}: field '{name}' is missing")
            if not isinstance(row[name], kind):
                raise DatasetError(f"{path}:{number}: field '{name}' must be {getattr(kind, '__name__', kind)}, "
                                   f"got {type(row[name]).__name__}")
        if not row["question"].strip():
            raise DatasetError(f"{path}:{number}: field 'question' is empty")
        if row["id"] in seen:
            raise DatasetError(f"{path}:{number}: field 'id' repeats {row['id']!r}")
        seen.add(row["id"])
        for name in ("answers", "evidence"):
            if not all(isinstance(value, str) and value.strip() for value in row[name]):
                raise DatasetError(f"{path}:{number}: field '{name}' must hold non-empty strings")
        for turn in row["history"]:
            if (not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant")
                    or not isinstance(turn.get("content"), str)):
                raise DatasetError(f"{path}:{number}: field 'history' must hold {{role: user|assistant, content}}")
        if row["answerable"] and not (row["answers"] and row["evidence"]):
            raise DatasetError(f"{path}:{number}: field 'answers'/'evidence' must not be empty for an answerable item")
        if not row["answerable"] and (row["answers"] or row["evidence"]):
            raise DatasetError(f"{path}:{number}: field 'answers'/'evidence' must be empty when answerable is false")
        if "split" not in row:
            raise DatasetError(f"{path}:{number}: field 'split' is missing (one of {', '.join(SPLITS)})")
        if row["split"] not in SPLITS:
            raise DatasetError(f"{path}:{number}: field 'split' must be one of {', '.join(SPLITS)}, "
                               f"got {row['split']!r}")
        answer_type = row.get("answer_type")
        if answer_type is not None and answer_type not in ANSWER_TYPES:
            raise DatasetError(f"{path}:{number}: field 'answer_type' must be one of {', '.join(ANSWER_TYPES)}, "
                               f"got {answer_type!r}")
        items.append(EvalItem(**{name: row[name] for name in REQUIRED_FIELDS}, split=row["split"],
                              answer_type=answer_type))
    if not items:
        raise DatasetError(f"dataset {path} holds no items")
    return items


# A yes/no item's gold lists the verdict (for `short_answer`) and the words of the text that decide it. Every yes/no
# answer contains some verdict, so only the deciding words score the answer text.
VERDICTS = frozenset({"はい", "いいえ", "yes", "no"})


def answer_score(item: EvalItem, answer: str) -> float:
    """1 if the answer contains a gold variant; for 'multi', the share of listed parts present."""
    text = squash(answer)
    if item.type == "multi":
        return sum(squash(part) in text for part in item.answers) / len(item.answers)
    variants = item.answers
    if item.answer_type == "yesno":
        variants = [v for v in item.answers if squash(v) not in VERDICTS] or item.answers
    return float(any(squash(variant) in text for variant in variants))


def short_answer_correct(item: EvalItem, short_answer: object) -> bool:
    """Normalised exact match of the response's `short_answer` with one gold variant; missing counts as wrong. A
    multi-part item's answers are its parts, not variants: each part must be in the short answer, which joins one
    span per part (as its answer text is scored)."""
    if not isinstance(short_answer, str) or not short_answer.strip():
        return False
    given = squash(short_answer)
    if item.type == "multi":
        return all(squash(part) in given for part in item.answers)
    return any(given == squash(variant) for variant in item.answers)


def is_relevant(passage_text: str, evidence: list[str]) -> bool:
    text = squash(passage_text)
    return any(squash(e) in text for e in evidence)


@dataclass
class ItemResult:
    item: EvalItem
    response: dict[str, Any]
    latency_ms: float
    first_relevant_rank: int | None = None
    answer_score: float | None = None
    short_answer_correct: bool | None = None
    citations_correct: list[bool] = field(default_factory=list)
    quotes_valid: list[bool] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        return bool(self.response.get("abstained"))

    def passed(self) -> dict[str, bool | None]:
        if not self.item.answerable:
            return {"abstention": self.abstained, "quotes_valid": all(self.quotes_valid)}
        passed: dict[str, bool | None] = {
            "retrieval@5": bool(self.first_relevant_rank and self.first_relevant_rank <= 5),
            "answer": (self.answer_score or 0) >= 1.0, "citation": any(self.citations_correct),
            "quotes_valid": all(self.quotes_valid), "no_false_abstention": not self.abstained}
        if self.short_answer_correct is not None:
            passed["short_answer"] = self.short_answer_correct
        return passed

    def to_json(self) -> dict[str, Any]:
        return {"id": self.item.id, "split": self.item.split, "type": self.item.type,
                "answer_type": self.item.answer_type, "lang": self.item.lang, "question": self.item.question,
                "history": self.item.history, "expected_answers": self.item.answers,
                "expected_evidence": self.item.evidence, "answerable": self.item.answerable,
                "answer": self.response.get("answer"), "short_answer": self.response.get("short_answer"),
                "short_answer_correct": self.short_answer_correct, "abstained": self.abstained,
                "citations": self.response.get("citations", []),
                "retrieved": [p.get("passage_id") for p in self.response.get("passages", [])],
                "answered_by": self.response.get("answered_by"),
                "unverified_claims": self.response.get("unverified_claims", []),
                "fallback_reason": self.response.get("fallback_reason"),
                "first_relevant_rank": self.first_relevant_rank, "answer_score": self.answer_score,
                "citations_correct": self.citations_correct, "quotes_valid": self.quotes_valid,
                "latency_ms": round(self.latency_ms, 1), "pass": self.passed()}


def score_item(item: EvalItem, response: dict[str, Any], latency_ms: float, corpus_texts: list[str],
               passage_text: Callable[[str], str | None]) -> ItemResult:
    result = ItemResult(item=item, response=response, latency_ms=latency_ms)
    passages = response.get("passages", [])
    if item.answerable:
        for rank, passage in enumerate(passages, start=1):
            if is_relevant(passage.get("text", ""), item.evidence):
                result.first_relevant_rank = rank
                break
        result.answer_score = 0.0 if result.abstained else answer_score(item, response.get("answer", ""))
        if item.has_short_answer:
            result.short_answer_correct = not result.abstained and short_answer_correct(
                item, response.get("short_answer"))
    by_id = {p.get("passage_id"): p.get("text", "") for p in passages}
    for citation in response.get("citations", []):
        quote = citation.get("quote", "")
        result.quotes_valid.append(bool(quote) and any(quote in text for text in corpus_texts))
        if item.answerable:
            text = by_id.get(citation.get("passage_id")) or passage_text(citation.get("passage_id", "")) or ""
            result.citations_correct.append(is_relevant(text, item.evidence))
    return result


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.fmean(values), 4) if values else None


def aggregate(results: list[ItemResult]) -> dict[str, Any]:
    """The metric block (same keys everywhere); a metric with no items to measure is null."""
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    ranks = [r.first_relevant_rank for r in answerable]
    citations = [c for r in answerable for c in r.citations_correct]
    quotes = [q for r in results for q in r.quotes_valid]
    latencies = [r.latency_ms for r in results]

    def recall(k: int) -> float | None:
        return _mean(float(bool(rank and rank <= k)) for rank in ranks)

    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return {
        "n": len(results),
        "recall@1": recall(1), "recall@5": recall(5), "recall@10": recall(10),
        "mrr": _mean((1.0 / rank if rank else 0.0) for rank in ranks),
        "answer_accuracy": _mean(r.answer_score or 0.0 for r in answerable),
        "short_answer_accuracy": _mean(float(bool(r.short_answer_correct)) for r in answerable
                                       if r.item.has_short_answer),
        "citation_precision": _mean(float(c) for c in citations),
        "citation_recall": _mean(float(any(r.citations_correct)) for r in answerable),
        "quote_validity": _mean(float(q) for q in quotes),
        "abstention_accuracy": _mean(float(r.abstained) for r in unanswerable),
        "false_abstention": _mean(float(r.abstained) for r in answerable),
        "latency_ms_p50": round(p50, 1) if p50 is not None else None,
        "latency_ms_p95": round(p95, 1) if p95 is not None else None,
    }


GROUPINGS: dict[str, Callable[[ItemResult], str]] = {
    "by_type": lambda r: r.item.type,
    "by_lang": lambda r: r.item.lang,
    "by_answer_type": lambda r: r.item.answer_type or "unspecified",
}


def breakdown(results: list[ItemResult]) -> dict[str, Any]:
    """The metric block over all results and per question type, language and answer type."""
    document: dict[str, Any] = {"overall": aggregate(results)}
    for name, key in GROUPINGS.items():
        groups: dict[str, list[ItemResult]] = {}
        for result in results:
            groups.setdefault(key(result), []).append(result)
        document[name] = {group: aggregate(members) for group, members in sorted(groups.items())}
    return document


def split_gap(by_split: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """check minus tune for each headline metric, flagged when larger than SPLIT_GAP_LIMIT either way."""
    tune, check = by_split.get("tune", {}), by_split.get("check", {})
    gaps = {}
    for metric in GAP_METRICS:
        tuned, checked = tune.get(metric), check.get(metric)
        gap = round(checked - tuned, 4) if tuned is not None and checked is not None else None
        gaps[metric] = {"tune": tuned, "check": checked, "gap": gap,
                        "flagged": gap is not None and abs(gap) > SPLIT_GAP_LIMIT}
    return gaps


def metrics_for(results: list[ItemResult], config: dict[str, Any]) -> dict[str, Any]:
    """Everything overall and by type/lang/answer type; `by_split` holds the same breakdown per split."""
    document = breakdown(results)
    by_split = {split: breakdown([r for r in results if r.item.split == split]) for split in SPLITS
                if any(r.item.split == split for r in results)}
    document["by_split"] = by_split
    document["split_gap"] = split_gap({split: block["overall"] for split, block in by_split.items()})
    document["config"] = config
    return document


def run_dataset(items: list[EvalItem], ask: AskFunction, corpus_texts: list[str],
                passage_text: Callable[[str], str | None], top_k: int = 10, label: str = "eval",
                progress: bool = True) -> list[ItemResult]:
    """Ask every question and score the answers."""
    iterator: Iterable[EvalItem] = items
    if progress:
        from tqdm import tqdm

        iterator = tqdm(items, desc=label, unit="q")
    results = []
    for item in iterator:
        started = time.perf_counter()
        response = ask(item.question, item.history, top_k)
        latency = (time.perf_counter() - started) * 1000
        results.append(score_item(item, response, latency, corpus_texts, passage_text))
    return results


def check_thresholds(metrics: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Failures as readable lines.

    Thresholds: {"split": "check", "overall": {"recall@5": {"min": 0.9}}, "by_type": {"multi": {...}},
    "max_split_gap": 0.03, "note": "why the floors are where they are"}. With "split", the floors apply to that
    split's figures only (the CI gate reads
    `check`, which no rule was tuned on); "max_split_gap" fails the gate when a headline metric differs
    between the splits by more than that.
    """
    split = thresholds.get("split")
    prefix = ""
    scoped = metrics
    if split is not None:
        if split not in SPLITS:
            return [f"thresholds name split {split!r}; it must be one of {', '.join(SPLITS)}"]
        if split not in metrics.get("by_split", {}):
            return [f"split {split!r} was not measured (the question set has no {split} items)"]
        scoped, prefix = metrics["by_split"][split], f"{split}."
    failures = []
    for scope, entries in thresholds.items():
        if scope in ("split", "max_split_gap", "note"):
            continue
        if scope not in ("overall", *GROUPINGS):
            failures.append(f"thresholds name an unknown scope {scope!r}")
            continue
        for name, bounds in entries.items():
            if scope in GROUPINGS:
                for metric, bound in bounds.items():
                    failures += _check(f"{prefix}{scope}.{name}.{metric}",
                                       scoped[scope].get(name, {}).get(metric), bound)
            else:
                failures += _check(f"{prefix}{scope}.{name}", scoped[scope].get(name), bounds)
    if "max_split_gap" in thresholds:
        limit = thresholds["max_split_gap"]
        for metric, entry in metrics.get("split_gap", {}).items():
            if entry["gap"] is not None and abs(entry["gap"]) > limit:
                failures.append(f"split_gap.{metric} = {entry['gap']} (tune {entry['tune']}, check {entry['check']}) "
                                f"is larger than {limit}")
    return failures


def gap_lines(metrics: dict[str, Any]) -> list[str]:
    """The tune–check gap of each headline metric as printable lines, the large ones flagged."""
    lines = []
    for metric, entry in metrics.get("split_gap", {}).items():
        if entry["gap"] is None:
            continue
        flag = f"  <-- gap > {SPLIT_GAP_LIMIT}: a rule may be fitted to wording" if entry["flagged"] else ""
        lines.append(f"{metric}: tune={entry['tune']} check={entry['check']} gap={entry['gap']:+.4f}{flag}")
    return lines


def _check(label: str, value: float | None, bound: dict[str, float]) -> list[str]:
    if value is None:
        return [f"{label} was not measured"]
    out = []
    if "min" in bound and value < bound["min"]:
        out.append(f"{label} = {value} is below the floor {bound['min']}")
    if "max" in bound and value > bound["max"]:
        out.append(f"{label} = {value} is above the ceiling {bound['max']}")
    return out


# ---- report -----------------------------------------------------------------------------------------

HEADLINE = ("recall@1", "recall@5", "mrr", "answer_accuracy", "short_answer_accuracy", "citation_precision",
            "citation_recall", "quote_validity", "abstention_accuracy", "false_abstention", "latency_ms_p50",
            "latency_ms_p95")
QUALITY = HEADLINE[:-2]  # the headline without latency, for the per-group tables


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) and value <= 1.0 else str(value)


def _bar_chart(runs: dict[str, dict[str, Any]]) -> str:
    """A PNG (base64) of answer accuracy and recall@5 per question type, one bar group per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = sorted({t for metrics in runs.values() for t in metrics["by_type"]})
    figure, axes = plt.subplots(1, 2, figsize=(12, 4))
    width = 0.8 / max(len(runs), 1)
    for axis, metric in zip(axes, ("answer_accuracy", "recall@5"), strict=True):
        for offset, (label, metrics) in enumerate(runs.items()):
            # An unanswerable type has no answer accuracy: its bar shows abstention accuracy instead.
            values = [(metrics["by_type"].get(t, {}).get(metric) if metrics["by_type"].get(t, {}).get(metric)
                       is not None or metric != "answer_accuracy"
                       else metrics["by_type"].get(t, {}).get("abstention_accuracy")) or 0.0 for t in types]
            axis.bar([i + offset * width for i in range(len(types))], values, width, label=label)
        axis.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(types))], types, rotation=30)
        axis.set_ylim(0, 1.05)
        axis.set_title(f"{metric} by question type" + (" (abstention for unanswerable)"
                                                        if metric == "answer_accuracy" else ""))
        axis.legend(fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def _group_table(title: str, label: str, groups: dict[str, dict[str, Any]]) -> str:
    head = "".join(f"<th>{html.escape(k)}</th>" for k in QUALITY)
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{m['n']}</td>" + "".join(f"<td>{_fmt(m[k])}</td>" for k in QUALITY)
        + "</tr>" for name, m in groups.items())
    return f"<h2>{html.escape(title)}</h2><table><tr><th>{label}</th><th>n</th>{head}</tr>{rows}</table>"


def _split_table(metrics: dict[str, Any]) -> str:
    """Both splits side by side with the gap of each headline metric; a gap over the limit is marked."""
    by_split = metrics.get("by_split", {})
    blocks = {name: block["overall"] for name, block in by_split.items()}
    head = "".join(f"<th>{html.escape(k)}</th>" for k in QUALITY)
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{m['n']}</td>" + "".join(f"<td>{_fmt(m[k])}</td>" for k in QUALITY)
        + "</tr>" for name, m in blocks.items())
    gaps = metrics.get("split_gap", {})
    cells = []
    for metric in QUALITY:
        entry = gaps.get(metric)
        if entry is None or entry["gap"] is None:
            cells.append("<td>–</td>")
        else:
            style = ' class="flag"' if entry["flagged"] else ""
            cells.append(f"<td{style}>{entry['gap']:+.3f}</td>")
    rows += f"<tr><th>gap (check − tune)</th><td></td>{''.join(cells)}</tr>"
    return (f"<h2>By split</h2><p>Rules and thresholds are chosen on <code>tune</code>; the quality gate reads "
            f"<code>check</code>. A gap larger than {SPLIT_GAP_LIMIT} (marked) says a rule fits the wording of "
            f"the tuning questions rather than the chapter.</p>"
            f"<table><tr><th>split</th><th>n</th>{head}</tr>{rows}</table>")


def write_report(path: Path, runs: dict[str, dict[str, Any]], failures: list[ItemResult], primary: str) -> None:
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th>" + "".join(f"<td>{_fmt(m['overall'][k])}</td>" for k in HEADLINE) + "</tr>"
        for label, m in runs.items())
    head = "".join(f"<th>{html.escape(k)}</th>" for k in HEADLINE)
    primary_metrics = runs[primary]
    sections = [_split_table(primary_metrics),
                _group_table(f"By question type ({primary})", "type", primary_metrics["by_type"])]
    for split, block in primary_metrics.get("by_split", {}).items():
        sections.append(_group_table(f"By question type, {split} split", "type", block["by_type"]))
    sections.append(_group_table(f"By answer type ({primary})", "answer type", primary_metrics["by_answer_type"]))
    for split, block in primary_metrics.get("by_split", {}).items():
        sections.append(_group_table(f"By answer type, {split} split", "answer type", block["by_answer_type"]))
    sections.append(_group_table(f"By language ({primary})", "lang", primary_metrics["by_lang"]))
    failed = "".join(
        "<tr><td>{id}</td><td>{split}</td><td>{type}</td><td>{q}</td><td>{exp}</td><td>{got}</td><td>{short}</td>"
        "<td>{why}</td></tr>".format(
            id=html.escape(r.item.id), split=html.escape(r.item.split),
            type=html.escape(r.item.type + (f" / {r.item.answer_type}" if r.item.answer_type else "")),
            q=html.escape(r.item.question), exp=html.escape(" / ".join(r.item.answers) or "(abstain)"),
            got=html.escape(str(r.response.get("answer", ""))),
            short=html.escape(str(r.response.get("short_answer") or "–")),
            why=html.escape(", ".join(k for k, v in r.passed().items() if v is False)))
        for r in failures)
    chart = _bar_chart(runs)
    page = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>bluebook-qa evaluation</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}}
td.flag{{background:#fdd;font-weight:bold}}</style></head><body>
<h1>bluebook-qa evaluation</h1>
<p>{primary_metrics['overall']['n']} questions. Configuration: <code>{html.escape(json.dumps(primary_metrics['config'],
 ensure_ascii=False))}</code></p>
<h2>Headline</h2><table><tr><th>configuration</th>{head}</tr>{rows}</table>
{''.join(sections)}
<img alt="bar chart per question type" src="data:image/png;base64,{chart}">
<h2>Failed items ({len(failures)})</h2>
<table><tr><th>id</th><th>split</th><th>type</th><th>question</th><th>expected</th><th>answer</th><th>short answer</th>
<th>failed</th></tr>{failed}</table>
</body></html>"""
    path.write_text(page, encoding="utf-8")


def write_outputs(out_dir: Path, runs: dict[str, tuple[dict[str, Any], list[ItemResult]]], primary: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics, results = runs[primary]
    document = dict(metrics)
    if len(runs) > 1:
        document["compare"] = {label: m["overall"] for label, (m, _) in runs.items()}
    (out_dir / "metrics.json").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as handle:
        for result in results:
            handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    failures = [r for r in results if any(v is False for v in r.passed().values())]
    write_report(out_dir / "report.html", {label: m for label, (m, _) in runs.items()}, failures, primary)
