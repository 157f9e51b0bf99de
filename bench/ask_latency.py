"""Benchmark: /v1/ask latency (p50/p95) over the question set, start-up time and server RSS.

Runs the real app in-process through its HTTP interface (TestClient), so it measures what a request costs
without network noise. Prints figures; asserts nothing.
    .venv/bin/python bench/ask_latency.py [--questions eval/dev.jsonl] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import PROJECT_ROOT, get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=PROJECT_ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = list(dict.fromkeys(item["question"] for item in items))

    started = time.perf_counter()
    with TestClient(create_app(get_settings())) as client:
        startup = time.perf_counter() - started
        if client.get("/readyz").status_code != 200:
            raise SystemExit(f"service not ready: {client.get('/readyz').json()}")
        client.post("/v1/ask", json={"question": "ウォームアップ"})
        latencies = []
        for _ in range(args.repeat):
            for question in questions:
                t0 = time.perf_counter()
                response = client.post("/v1/ask", json={"question": question})
                latencies.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions: {len(questions)} distinct, {len(latencies)} requests")
    print(f"start-up (model + index load): {startup:.1f} s")
    print(f"/v1/ask latency ms: p50 {statistics.median(latencies):.0f}  p95 {p95:.0f}  max {latencies[-1]:.0f}")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
