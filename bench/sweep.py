"""Measure chunking and fusion choices on the question set: builds one index per chunking, prints figures.

    .venv/bin/python bench/sweep.py [--sizes 200,300,400,600] [--overlaps 0,1] [--out var/sweep]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from index.build import build_index
from index.corpus import load_corpus
from index.retrieve import HybridRetriever
from service.chain import QuestionAnswerer, Turn
from service.config import PROJECT_ROOT, get_settings
from service.evaluate import load_dataset, metrics_for, run_dataset
from service.loading import load_embedder, load_question_answerer
from service.responses import ask_response

KEYS = ("recall@1", "recall@5", "mrr", "answer_accuracy", "citation_precision", "abstention_accuracy",
        "false_abstention", "latency_ms_p50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,300,400,600")
    parser.add_argument("--overlaps", default="0,1")
    parser.add_argument("--rrf-k", default="60")
    parser.add_argument("--dataset", type=Path, default=PROJECT_ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "sweep")
    args = parser.parse_args()
    base_settings = get_settings()
    embedder = load_embedder(base_settings)
    items = load_dataset(args.dataset)
    corpus = [d.clean().text for d in load_corpus(base_settings.corpus_dir)]
    print("target overlap rrf_k passages " + " ".join(KEYS))
    for size in (int(s) for s in args.sizes.split(",")):
        for overlap in (int(o) for o in args.overlaps.split(",")):
            settings = base_settings.model_copy(update={
                "chunk_target_chars": size, "chunk_overlap_sentences": overlap,
                "index_dir": args.out / f"index-{size}-{overlap}"})
            manifest, _ = build_index(settings.corpus_dir, settings.index_dir, embedder, settings.chunking())
            base = load_question_answerer(settings, embedder)
            for rrf_k in (int(k) for k in args.rrf_k.split(",")):
                retriever = HybridRetriever(base.index, embedder, settings.model_copy(
                    update={"rrf_k": rrf_k}).retrieval())
                qa = QuestionAnswerer(base.index, embedder, retriever, base.answerer)

                def ask(question: str, history: list[dict[str, str]], top_k: int, qa: QuestionAnswerer = qa) -> dict:
                    turns = [Turn(t["role"], t["content"]) for t in history]
                    return ask_response(qa.ask(question, turns, top_k)).model_dump()

                overall = metrics_for(run_dataset(items, ask, corpus, lambda _: None, progress=False), {})["overall"]
                print(f"{size} {overlap} {rrf_k} {manifest.passages} " + " ".join(str(overall[k]) for k in KEYS),
                      flush=True)


if __name__ == "__main__":
    main()
