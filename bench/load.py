"""Load check: N concurrent clients for S seconds against a real server on loopback; prints figures.

Starts `bluebook-qa serve` (the real model and index; `make index` first) — or, with --fake, the real app factory
with the fake embedder and the tiny test corpus — with an API key, then keeps --clients clients busy with a mix of
what people do: ask, chat (a follow-up in the same session), stream, open a cited passage, read a session, health.
Reports requests, throughput, statuses, latency by route, transport errors, and 5xx other than the documented
503 of the answer bound ("too many answers in progress"). Exit status 1 when there is any of the last two.

    .venv/bin/python bench/load.py                        # 60 s, 32 clients, the real model
    .venv/bin/python bench/load.py --fake --seconds 20    # the server around a fake model
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --key bbq_…   # a server already running
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FALLBACK_QUESTIONS = ["2023年の日露間の貿易はどれくらい減少した？", "2023年にNATOに加盟した国は？",
                      "Which country joined NATO in 2023?", "サハリン2について教えて"]


def load_questions(path: Path) -> list[str]:
    if not path.is_file():
        return FALLBACK_QUESTIONS
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(dict.fromkeys(item["question"] for item in items)) or FALLBACK_QUESTIONS


def start_server(folder: Path, fake: bool, port: int, rate_limit: str) -> tuple[subprocess.Popen[bytes], str]:
    from service.keys import SQLiteKeyStore

    data = folder / "data"
    keys = SQLiteKeyStore(data / "sessions.sqlite3")
    key = keys.create("load")
    keys.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "BLUEBOOK_DATA_DIR": str(data),
           "BLUEBOOK_RATE_LIMIT": rate_limit, "BLUEBOOK_LOG_LEVEL": "WARNING"}
    if fake:
        env["BLUEBOOK_INDEX_DIR"] = str(folder / "index")
        command = [sys.executable, "-m", "uvicorn", "--factory", "tests.fake_server:create_fake_app",
                   "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    else:
        command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{(folder / 'server.log').read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process, key
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("the server did not become ready in 300 s")


class Tally:
    def __init__(self) -> None:
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.unexpected_5xx: list[str] = []
        self.bound_503 = 0

    def record(self, route: str, response: httpx.Response | None, elapsed: float, error: str | None = None) -> None:
        if response is None:
            self.errors[error or "unknown"] += 1
            return
        self.statuses[(route, response.status_code)] += 1
        self.latencies[route].append(elapsed * 1000)
        if response.status_code == 503 and "too many answers in progress" in response.text:
            self.bound_503 += 1
        elif response.status_code >= 500:
            self.unexpected_5xx.append(f"{route} {response.status_code} {response.text[:200]}")


async def back_off(response: httpx.Response, honour: bool) -> None:
    """A well-behaved client waits as long as a 429 or 503 says (Retry-After) before it asks again."""
    retry_after = response.headers.get("retry-after", "")
    if honour and response.status_code in (429, 503) and retry_after.isdigit():
        await asyncio.sleep(int(retry_after))


async def client_loop(client: httpx.AsyncClient, questions: list[str], stop_at: float, tally: Tally,
                      seed: int, honour_retry_after: bool) -> None:
    rng = random.Random(seed)
    session_id: str | None = None
    passage_id: str | None = None

    async def call(route: str, method: str, url: str, **kwargs: object) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            tally.record(route, None, 0.0, f"{route}: {type(exc).__name__}")
            return None
        tally.record(route, response, time.perf_counter() - started)
        await back_off(response, honour_retry_after)
        return response

    while time.perf_counter() < stop_at:
        roll = rng.random()
        question = rng.choice(questions)
        if roll < 0.35:
            response = await call("/v1/ask", "POST", "/v1/ask", json={"question": question})
            if response is not None and response.status_code == 200 and response.json()["citations"]:
                passage_id = response.json()["citations"][0]["passage_id"]
        elif roll < 0.60:
            body = {"message": question, **({"session_id": session_id} if session_id else {})}
            response = await call("/v1/chat", "POST", "/v1/chat", json=body)
            if response is not None and response.status_code == 200:
                session_id = response.json()["session_id"]
        elif roll < 0.75:
            started = time.perf_counter()
            try:
                async with client.stream("POST", "/v1/chat/stream", json={"message": question}) as response:
                    text = (await response.aread()).decode("utf-8", "replace")
                    tally.record("/v1/chat/stream", response, time.perf_counter() - started)
                    if response.status_code == 200 and "event: error" in text:
                        tally.unexpected_5xx.append("/v1/chat/stream error event")
                await back_off(response, honour_retry_after)
            except httpx.HTTPError as exc:
                tally.record("/v1/chat/stream", None, 0.0, f"/v1/chat/stream: {type(exc).__name__}")
        elif roll < 0.85 and passage_id:
            await call("/v1/passages/{id}", "GET", f"/v1/passages/{passage_id}")
        elif roll < 0.92 and session_id:
            await call("/v1/sessions/{id}", "GET", f"/v1/sessions/{session_id}")
        else:
            await call("/healthz", "GET", "/healthz")


async def run_load(url: str, key: str | None, clients: int, seconds: float, questions: list[str],
                   honour_retry_after: bool) -> Tally:
    tally = Tally()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as client:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(client_loop(client, questions, stop_at, tally, seed, honour_retry_after)
                               for seed in range(clients)))
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def report(tally: Tally, seconds: float, clients: int) -> int:
    total = sum(tally.statuses.values()) + sum(tally.errors.values())
    print(f"{clients} clients, {seconds:.0f} s: {total} requests, {total / seconds:.1f}/s")
    print("status by route:")
    for (route, status), count in sorted(tally.statuses.items()):
        print(f"  {route:22} {status}  {count}")
    print("latency ms (p50 / p95 / max):")
    for route, values in sorted(tally.latencies.items()):
        print(f"  {route:22} {statistics.median(values):7.0f} {percentile(values, 0.95):7.0f} {max(values):7.0f}")
    print(f"503 from the answer bound (documented, with Retry-After): {tally.bound_503}")
    print(f"transport errors: {sum(tally.errors.values())} {dict(tally.errors) if tally.errors else ''}")
    print(f"5xx other than the documented 503: {len(tally.unexpected_5xx)}")
    for line in tally.unexpected_5xx[:10]:
        print(f"  {line}")
    return 1 if tally.errors or tally.unexpected_5xx else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--fake", action="store_true", help="the real server around the fake embedder")
    parser.add_argument("--url", default=None, help="a server already running (no server is started)")
    parser.add_argument("--key", default=None, help="its API key, if it needs one")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rate-limit", default="1000000/minute",
                        help="the started server's BLUEBOOK_RATE_LIMIT (one key makes every request here)")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--no-backoff", action="store_true",
                        help="ask again at once after a 429/503 instead of waiting as Retry-After says")
    args = parser.parse_args()
    honour = not args.no_backoff
    print(f"clients {'wait as Retry-After says' if honour else 'retry at once'} after a 429 or 503")
    questions = load_questions(args.questions)
    if args.url:
        return report(asyncio.run(run_load(args.url, args.key, args.clients, args.seconds, questions, honour)),
                      args.seconds, args.clients)
    with tempfile.TemporaryDirectory(prefix="bluebook-load-") as folder:
        process, key = start_server(Path(folder), args.fake, args.port, args.rate_limit)
        try:
            url = f"http://127.0.0.1:{args.port}"
            tally = asyncio.run(run_load(url, key, args.clients, args.seconds, questions, honour))
            metrics = httpx.get(url + "/metrics").text
        finally:
            process.terminate()
            process.wait(timeout=30)
        code = report(tally, args.seconds, args.clients)
        rejected = [line for line in metrics.splitlines() if line.startswith("bluebook_answers_rejected_total")]
        print(f"server: {rejected[0] if rejected else 'bluebook_answers_rejected_total 0'}")
        server_log = (Path(folder) / "server.log").read_text()
        tracebacks = server_log.count("Traceback")
        print(f"tracebacks in the server log: {tracebacks}")
        return 1 if tracebacks else code


if __name__ == "__main__":
    sys.exit(main())
