"""The configured LLM through the verifier, on answerable questions of the dev set: how many answers stand as
generated, how many fall back to the extractive answer, whether any cited sentence states a name or number its
quote lacks, and whether the streamed text equals the final answer (every third question is streamed).

    BLUEBOOK_LLM_PROVIDER=llamacpp PYTHONPATH=$PWD .venv/bin/python bench/llm_verification.py [-n 12]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from service.chain import QuestionAnswerer, TimedAnswer
from service.config import PROJECT_ROOT, get_settings
from service.facts import facts_of, missing_facts
from service.generate import split_claims
from service.loading import load_question_answerer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=PROJECT_ROOT / "eval" / "dev.jsonl")
    parser.add_argument("-n", type=int, default=12, help="how many questions (first answerable, no history)")
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"answer_cache_size": 0})
    if settings.llm_provider == "none":
        parser.error("set BLUEBOOK_LLM_PROVIDER (and its settings): this measures generated answers")
    answerer: QuestionAnswerer = load_question_answerer(settings)
    rows = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["answerable"] and not row["history"]][: args.n]
    stats = {"questions": 0, "generated": 0, "fallback": 0, "abstained": 0, "cited_sentences": 0,
             "unverified_sentences": 0, "fact_violations": 0, "streamed": 0, "stream_equals_answer": 0}
    for position, row in enumerate(rows):
        started = time.perf_counter()
        if position % 3 == 0:
            pieces = list(answerer.stream(row["question"]))
            final = pieces[-1]
            assert isinstance(final, TimedAnswer)
            answer = final.answer
            stats["streamed"] += 1
            stats["stream_equals_answer"] += "".join(p for p in pieces[:-1] if isinstance(p, str)) == answer.answer
        else:
            answer = answerer.ask(row["question"]).answer
        stats["questions"] += 1
        stats["abstained"] += answer.abstained
        if answer.answered_by.startswith("llm"):
            stats["generated"] += 1
            for claim, numbers in split_claims(answer.answer):
                stats["cited_sentences"] += bool(numbers)
                stats["fact_violations"] += sum(
                    bool(missing_facts(facts_of(claim), answer.citations[n - 1].quote)) for n in numbers)
        elif not answer.abstained:
            stats["fallback"] += 1
        stats["unverified_sentences"] += len(answer.unverified_claims)
        print(f"{row['id']} {row['lang']} {answer.answered_by} {time.perf_counter() - started:.0f}s "
              f"{answer.answer[:80]!r} unverified={answer.unverified_claims}", flush=True)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
