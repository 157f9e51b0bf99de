"""Choose the answerer's thresholds on the `tune` split and check them on `check`: retrieval runs once per
question, then every setting of the grid re-answers from the same passages. Prints one line per setting with
the headline metrics of both splits, so a rule that only fits the tune questions shows as a gap.

    .venv/bin/python bench/answer_sweep.py [--dataset eval/dev.jsonl] [--grid typed_margin=0.06,0.12,0.2]
        [--grid min_similarity=0.40,0.44] [--grid strict_types=person+place+date+number,person+date+number]
        [--type followup]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

from index.clean import clean_document
from index.corpus import load_corpus
from index.retrieve import RetrievalResult, RetrievedPassage
from index.store import load_index, read_manifest
from service.answer import AnswerParams, ExtractiveAnswerer
from service.chain import TimedAnswer, Turn, _Prepared
from service.config import PROJECT_ROOT, get_settings
from service.evaluate import aggregate, load_dataset, score_item
from service.loading import answer_params, load_question_answerer
from service.responses import ask_response

KEYS = ("answer_accuracy", "citation_precision", "abstention_accuracy", "false_abstention", "short_answer_accuracy")


def parse_value(name: str, text: str) -> Any:
    field_type = {f.name: f.type for f in dataclasses.fields(AnswerParams)}[name]
    if "frozenset" in str(field_type):
        return frozenset(t for t in text.split("+") if t)
    if str(field_type) == "bool":
        # place_role=true,false: a switch is toggled like any other setting
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{name} is a switch: give true or false, not {text!r}")
    if "int" in str(field_type):
        return int(text)
    return float(text)


def dump(prepared: _Prepared) -> dict[str, Any]:
    return {"question": prepared.question, "language": prepared.language, "context": prepared.context,
            "already_said": prepared.already_said, "query_vector": prepared.result.query_vector.tolist(),
            "passages": [[p.passage.passage_id, p.score, p.dense_rank, p.bm25_rank] for p in prepared.result.passages]}


def restore(index: Any, row: dict[str, Any]) -> _Prepared:
    vector = np.asarray(row["query_vector"], dtype=np.float32)
    passages = [RetrievedPassage(index.passage_by_id(pid), score, dense, bm25) for pid, score, dense, bm25
                in row["passages"]]
    result = RetrievalResult(query_vector=vector, language=row["language"], passages=passages)
    return _Prepared(question=row["question"], language=row["language"], history=[], result=result,
                     context=row["context"], already_said=row["already_said"], started=0.0, retrieved_at=0.0)


# The cache's key for the build of the index its passages and scores came from.
INDEX_STAMP = "__index__"


def index_stamp(index_dir: Path) -> str:
    """What identifies a build of the index: a rebuild (another corpus, model or chunking) renumbers passages, so a
    cache written for one build gives nonsense figures on another."""
    manifest = read_manifest(index_dir)
    return f"{manifest.built_at} {manifest.embedding_fingerprint[:16]} {manifest.passages}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=PROJECT_ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--grid", action="append", default=[], help="name=v1,v2 (an AnswerParams field)")
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--failures", action="store_true", help="print the failed items of the first setting")
    parser.add_argument("--cache", type=Path,
                        help="retrieval results: read if present; items it lacks are retrieved and added")
    parser.add_argument("--type", help="score only the items of this question type (followup, multi, en…)")
    args = parser.parse_args()
    settings = get_settings()
    items = [item for item in load_dataset(args.dataset) if args.type is None or item.type == args.type]
    corpus = [clean_document(d.doc_id, d.raw_text).text for d in load_corpus(settings.corpus_dir)]
    cached = json.loads(args.cache.read_text(encoding="utf-8")) if args.cache and args.cache.is_file() else {}
    stamp = index_stamp(settings.index_dir)
    if cached.get(INDEX_STAMP, stamp) != stamp:
        raise SystemExit(f"error: {args.cache} was written for another build of the index at {settings.index_dir} "
                         f"({cached[INDEX_STAMP]}, now {stamp}): delete it to retrieve again")
    stamped = INDEX_STAMP in cached
    cached[INDEX_STAMP] = stamp  # a cache from before stamps is taken to be of this build
    missing = [item for item in items if item.id not in cached]
    if missing:
        # Items the cache does not hold yet (a grown dataset) are retrieved once and added to it.
        qa = load_question_answerer(settings)
        index = qa.index
        for item in missing:
            prep = qa.prepare(item.question, [Turn(t["role"], t["content"]) for t in item.history], args.top_k)
            cached[item.id] = dump(prep)
    else:
        # Retrieval as it was when the cache was written: answerer changes can be tried without the model.
        index = load_index(settings.index_dir, embedding_model=settings.embedding_model, embedding_fingerprint=None)
    if args.cache and (missing or not stamped):
        args.cache.write_text(json.dumps(cached, ensure_ascii=False), encoding="utf-8")
    prepared = [restore(index, cached[item.id]) for item in items]
    grid = [(name, [parse_value(name, v) for v in values.split(",")])
            for name, values in (entry.split("=", 1) for entry in args.grid)]
    base = answer_params(settings)
    print("setting | " + " | ".join(f"{split}:{k}" for split in ("tune", "check") for k in KEYS))
    for number, combination in enumerate(itertools.product(*[values for _, values in grid]) if grid else [()]):
        params = dataclasses.replace(base, **{name: value for (name, _), value in zip(grid, combination,
                                                                                       strict=True)})
        answerer = ExtractiveAnswerer(index, params)
        results = []
        for item, prep in zip(items, prepared, strict=True):
            answer = answerer.answer(prep.question, prep.language, prep.result.query_vector, prep.result.passages,
                                     context=prep.context, already_said=prep.already_said)
            response = ask_response(TimedAnswer(answer=answer)).model_dump()
            results.append(score_item(item, response, 0.0, corpus, lambda _: None))
        by_split = {split: aggregate([r for r in results if getattr(r.item, "split", "tune") == split])
                    for split in ("tune", "check")}
        label = ",".join(f"{name}={value if not isinstance(value, frozenset) else '+'.join(sorted(value))}"
                         for (name, _), value in zip(grid, combination, strict=True)) or "defaults"
        print(label + " | " + " | ".join(str(by_split[s].get(k)) for s in ("tune", "check") for k in KEYS),
              flush=True)
        if args.failures and number == 0:
            for result in results:
                if any(v is False for v in result.passed().values()):
                    print("  FAIL", result.item.id, result.item.type, result.item.question[:50], "| expected",
                          result.item.answers[:2], "| got", str(result.response.get("short_answer")), "|",
                          str(result.response.get("answer"))[:80].replace("\n", " "))


if __name__ == "__main__":
    main()
