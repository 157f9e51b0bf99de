"""Evaluation: run a JSONL question set through the service and score what users feel, in Japanese.

Scoring is Japanese-aware: NFKC (full-/half-width forms compare equal), no whitespace (the PDF broke
lines), and digit-group commas dropped so 「2,000億ドル」 equals 「2000億ドル」.
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
METRIC_KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr", "answer_accuracy", "citation_precision",
               "citation_recall", "quote_validity", "abstention_accuracy", "false_abstention",
               "latency_ms_p50", "latency_ms_p95")

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
        items.append(EvalItem(**{name: row[name] for name in REQUIRED_FIELDS}))
    if not items:
        raise DatasetError(f"dataset {path} holds no items")
    return items


def answer_score(item: EvalItem, answer: str) -> float:
    """1 if the answer contains a gold variant; for 'multi', the share of listed parts present."""
    text = squash(answer)
    if item.type == "multi":
        return sum(squash(part) in text for part in item.answers) / len(item.answers)
    return float(any(squash(variant) in text for variant in item.answers))


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
    citations_correct: list[bool] = field(default_factory=list)
    quotes_valid: list[bool] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        return bool(self.response.get("abstained"))

    def passed(self) -> dict[str, bool | None]:
        if not self.item.answerable:
            return {"abstention": self.abstained, "quotes_valid": all(self.quotes_valid)}
        return {"retrieval@5": bool(self.first_relevant_rank and self.first_relevant_rank <= 5),
                "answer": (self.answer_score or 0) >= 1.0, "citation": any(self.citations_correct),
                "quotes_valid": all(self.quotes_valid), "no_false_abstention": not self.abstained}

    def to_json(self) -> dict[str, Any]:
        return {"id": self.item.id, "type": self.item.type, "lang": self.item.lang, "question": self.item.question,
                "history": self.item.history, "expected_answers": self.item.answers,
                "expected_evidence": self.item.evidence, "answerable": self.item.answerable,
                "answer": self.response.get("answer"), "abstained": self.abstained,
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
        "citation_precision": _mean(float(c) for c in citations),
        "citation_recall": _mean(float(any(r.citations_correct)) for r in answerable),
        "quote_validity": _mean(float(q) for q in quotes),
        "abstention_accuracy": _mean(float(r.abstained) for r in unanswerable),
        "false_abstention": _mean(float(r.abstained) for r in answerable),
        "latency_ms_p50": round(p50, 1) if p50 is not None else None,
        "latency_ms_p95": round(p95, 1) if p95 is not None else None,
    }


def metrics_for(results: list[ItemResult], config: dict[str, Any]) -> dict[str, Any]:
    def grouped(key: Callable[[ItemResult], str]) -> dict[str, Any]:
        groups: dict[str, list[ItemResult]] = {}
        for result in results:
            groups.setdefault(key(result), []).append(result)
        return {name: aggregate(members) for name, members in sorted(groups.items())}

    return {"overall": aggregate(results), "by_type": grouped(lambda r: r.item.type),
            "by_lang": grouped(lambda r: r.item.lang), "config": config}


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
    """Failures as readable lines. Thresholds: {"overall": {"recall@5": {"min": 0.9}}, "by_type": {...}}."""
    failures = []
    for scope, entries in thresholds.items():
        for name, bounds in entries.items():
            if scope in ("by_type", "by_lang"):
                for metric, bound in bounds.items():
                    failures += _check(f"{scope}.{name}.{metric}", metrics[scope].get(name, {}).get(metric), bound)
            else:
                failures += _check(f"{scope}.{name}", metrics[scope].get(name), bounds)
    return failures


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

HEADLINE = ("recall@1", "recall@5", "mrr", "answer_accuracy", "citation_precision", "citation_recall",
            "quote_validity", "abstention_accuracy", "false_abstention", "latency_ms_p50", "latency_ms_p95")


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


def write_report(path: Path, runs: dict[str, dict[str, Any]], failures: list[ItemResult], primary: str) -> None:
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th>" + "".join(f"<td>{_fmt(m['overall'][k])}</td>" for k in HEADLINE) + "</tr>"
        for label, m in runs.items())
    head = "".join(f"<th>{html.escape(k)}</th>" for k in HEADLINE)
    primary_metrics = runs[primary]
    type_rows = "".join(
        f"<tr><th>{html.escape(t)}</th><td>{m['n']}</td>" + "".join(f"<td>{_fmt(m[k])}</td>" for k in HEADLINE[:-2])
        + "</tr>" for t, m in primary_metrics["by_type"].items())
    failed = "".join(
        "<tr><td>{id}</td><td>{type}</td><td>{q}</td><td>{exp}</td><td>{got}</td><td>{why}</td></tr>".format(
            id=html.escape(r.item.id), type=html.escape(r.item.type), q=html.escape(r.item.question),
            exp=html.escape(" / ".join(r.item.answers) or "(abstain)"),
            got=html.escape(str(r.response.get("answer", ""))),
            why=html.escape(", ".join(k for k, v in r.passed().items() if v is False)))
        for r in failures)
    chart = _bar_chart(runs)
    page = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>bluebook-qa evaluation</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}}</style></head><body>
<h1>bluebook-qa evaluation</h1>
<p>{primary_metrics['overall']['n']} questions. Configuration: <code>{html.escape(json.dumps(primary_metrics['config'],
 ensure_ascii=False))}</code></p>
<h2>Headline</h2><table><tr><th>configuration</th>{head}</tr>{rows}</table>
<h2>By question type ({html.escape(primary)})</h2><table><tr><th>type</th><th>n</th>
{''.join(f'<th>{html.escape(k)}</th>' for k in HEADLINE[:-2])}</tr>{type_rows}</table>
<img alt="bar chart per question type" src="data:image/png;base64,{chart}">
<h2>Failed items ({len(failures)})</h2>
<table><tr><th>id</th><th>type</th><th>question</th><th>expected</th><th>answer</th><th>failed</th></tr>{failed}</table>
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
