"""Choose the relevance thresholds of generated answers on data: how similar to the question, and how much of its
content words, a supporting sentence must be. Prints the distributions for the sentence that answers each
answerable question (gold: the sentence holding its evidence) and for the other sentences of the passages the
model is given, and the share of each kept at candidate thresholds. When the question set has splits, thresholds
are chosen on `--split tune` and confirmed on `--split check`.

    PYTHONPATH=$PWD .venv/bin/python bench/relevance_thresholds.py [--dataset eval/dev.jsonl] [--index var/index]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from index.chunk import sentences_of
from index.tokenize import content_tokens
from service.chain import Turn
from service.config import PROJECT_ROOT, get_settings
from service.evaluate import squash
from service.loading import load_question_answerer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=PROJECT_ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--split", default="tune", help="which split to read when the set has splits")
    args = parser.parse_args()
    settings = get_settings()
    if args.index:
        settings = settings.model_copy(update={"index_dir": args.index})
    answerer = load_question_answerer(settings)
    rows = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    if any("split" in row for row in rows):
        rows = [row for row in rows if row.get("split") == args.split]
    gold: list[tuple[float, float | None]] = []
    other: list[tuple[float, float | None]] = []
    unanswerable: list[tuple[float, float | None]] = []
    for row in rows:
        history = [Turn(t["role"], t["content"]) for t in row.get("history", [])]
        prepared = answerer.prepare(row["question"], history, args.top_k)
        language = prepared.language
        terms = set(content_tokens(prepared.question)) if language == "ja" else set()
        evidence = [squash(e) for e in row["evidence"]]
        index = answerer.index
        for item in prepared.result.passages[: answerer.answerer.params.passages]:
            document = index.documents[item.passage.doc_id]
            for span in sentences_of(item.passage):
                row_id = index.sentence_row.get((item.passage.doc_id, span.start, span.end))
                if row_id is None:
                    continue
                sentence = document.text[span.start:span.end]
                similarity = float(np.dot(index.sentence_vectors[row_id], prepared.result.query_vector))
                coverage = len(terms & set(content_tokens(sentence))) / len(terms) if terms else None
                if not row["answerable"]:
                    unanswerable.append((similarity, coverage))
                elif any(e and e in squash(sentence) for e in evidence):
                    gold.append((similarity, coverage))
                else:
                    other.append((similarity, coverage))
    print(f"questions {len(rows)}; sentences: gold {len(gold)}, other {len(other)}, "
          f"of unanswerable questions {len(unanswerable)}")
    for name, values in (("gold", gold), ("other", other), ("unanswerable", unanswerable)):
        similarities = np.array([v[0] for v in values])
        coverages = np.array([v[1] for v in values if v[1] is not None])
        print(f"{name:13s} similarity p2 {np.percentile(similarities, 2):.3f} p5 {np.percentile(similarities, 5):.3f}"
              f" p50 {np.median(similarities):.3f} | coverage p2 {np.percentile(coverages, 2):.3f}"
              f" p5 {np.percentile(coverages, 5):.3f} p50 {np.median(coverages):.3f}")
    print("rule: similarity >= high, or similarity >= low and coverage >= c (English: similarity >= high)")
    print("high low c kept: gold other unanswerable")
    for high in (0.40, 0.42, 0.44, 0.46, 0.48, 0.50):
        for low in sorted({0.30, 0.35, 0.40, high}):
            for coverage in (0.25, 0.34, 0.5):
                if low > high:
                    continue
                kept = [np.mean([relevant(v, high, low, coverage) for v in values])
                        for values in (gold, other, unanswerable)]
                print(f"{high:.2f} {low:.2f} {coverage:.2f} " + " ".join(f"{k:.3f}" for k in kept))


def relevant(value: tuple[float, float | None], high: float, low: float, coverage: float) -> bool:
    similarity, covered = value
    return similarity >= high or (covered is not None and similarity >= low and covered >= coverage)

if __name__ == "__main__":
    main()
