"""`make bench`: the product against a naive LangChain peer, each its own uvicorn process on loopback.

Both are driven with the same distinct questions (eval/dev.jsonl) by 1 and 16 concurrent clients for a fixed time
(in the order product, peer, peer, product, half the time each, so that a load other processes put on a shared
machine during the run falls on both alike);
prints requests/s, p50/p95 latency, errors, RSS and the ratios product/peer, the in-process fp32 floor (a bare
query embedding, fp32, p50), the product's RSS after a sustained run at 32 clients, and its start-up time against
the time a fresh process takes to load the model alone. The product runs with its answer cache off. Prints figures;
asserts nothing.
    .venv/bin/python bench/serve_bench.py [--seconds 20] [--soak-seconds 60] [--no-peer]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLOOR_QUESTIONS = 40  # the median settles well before; the rest would only lengthen the run
BENCH_SETTINGS = {
    "BLUEBOOK_ANSWER_CACHE_SIZE": "0",  # every request does the work: no answer comes from the cache
    "BLUEBOOK_RATE_LIMIT": "",  # one client address sends every request: a per-client limit would answer 429
    # Let as many answers be in progress as the embedding worker batches, and every client of the 32-client run
    # wait for its turn (the defaults, 4 and 16, answer a burst beyond 20 with 503 and Retry-After).
    "BLUEBOOK_MAX_ANSWERS_IN_PROGRESS": "16",
    "BLUEBOOK_ANSWER_QUEUE": "64",
}


@dataclass
class Phase:
    label: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    rss_mb: float = 0.0
    cpu_seconds: float = 0.0  # the server's CPU time (user + system) during the phase

    @property
    def cpu_ms_per_request(self) -> float:
        """The server's CPU per answered request: on a shared machine steadier than requests/s, which moves with
        the CPU other processes take."""
        return self.cpu_seconds * 1000 / len(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(command: list[str], env: dict[str, str], ready_url: str, timeout: float = 600
                 ) -> tuple[subprocess.Popen[bytes], float]:
    """Start a server; return it and the seconds from spawn until it answers ready."""
    started = time.perf_counter()
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server's next log line.
    log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"{command} exited: {Path(log.name).read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{command} was not ready after {timeout} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


async def drive(url: str, questions: list[str], phase: Phase) -> None:
    """`phase.clients` clients ask the next distinct question in turn until `phase.seconds` are over."""
    next_question = 0
    deadline = time.perf_counter() + phase.seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal next_question
        while time.perf_counter() < deadline:
            question = questions[next_question % len(questions)]
            next_question += 1
            started = time.perf_counter()
            try:
                response = await http.post(url, json={"question": question})
                ok = response.status_code == 200
                detail = f"{response.status_code} {response.text[:200]}"
            except httpx.HTTPError as exc:
                ok, detail = False, repr(exc)
            if ok:
                phase.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                phase.errors += 1
                phase.first_error = phase.first_error or detail

    limits = httpx.Limits(max_connections=phase.clients, max_keepalive_connections=phase.clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(phase.clients)))


def run_phase(url: str, questions: list[str], pid: int, label: str, clients: int, seconds: float) -> Phase:
    asyncio.run(drive(url, questions[:3], Phase("warm-up", 1, 3)))
    phase = Phase(label, clients, seconds)
    cpu_before = cpu_seconds(pid)
    asyncio.run(drive(url, questions, phase))
    phase.cpu_seconds = cpu_seconds(pid) - cpu_before
    phase.rss_mb = rss_mb(pid)
    print(f"  {label:<28} {phase.requests_per_second:6.1f} req/s  p50 {phase.percentile(0.5):6.0f} ms  "
          f"p95 {phase.percentile(0.95):6.0f} ms  errors {phase.errors}  RSS {phase.rss_mb:5.0f} MB  "
          f"CPU {phase.cpu_ms_per_request:4.0f} ms/req  load {os.getloadavg()[0]:.1f}"
          + (f"  first error: {phase.first_error}" if phase.errors else ""), flush=True)
    return phase


def combined(first: Phase, second: Phase) -> Phase:
    """Two runs of one phase as one: requests, errors, CPU and time added; the RSS of the later."""
    return Phase(first.label, first.clients, first.seconds + second.seconds,
                 latencies_ms=first.latencies_ms + second.latencies_ms, errors=first.errors + second.errors,
                 first_error=first.first_error or second.first_error, rss_mb=second.rss_mb,
                 cpu_seconds=first.cpu_seconds + second.cpu_seconds)


def model_alone(args: list[str], env: dict[str, str]) -> list[float]:
    command = [PYTHON, str(ROOT / "bench" / "model_alone.py"), *args]
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return [float(value) for value in output.split()]


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used (user + system): on a shared machine a fairer measure of work than wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Fp32Floor:
    """The bare fp32 query embedding in this process, one question at a time: the latency floor of a request
    without a faster model. Measured just before and just after the 1-client runs, because on a shared machine
    the load moves; and in a thread other than the main one, as servers run their models (on a loaded 2-core
    machine torch in the main thread measured 8-10x slower than in another thread of the same process)."""

    def __init__(self, questions: list[str]) -> None:
        from index.embed import SentenceTransformerEmbedder
        from service.config import Settings

        settings = Settings()
        self.model = SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir, dtype="float32")
        self.questions = questions[:FLOOR_QUESTIONS]
        self.model.embed_query_vectors(self.questions)  # warm-up: every question's shape seen once
        self.measured: list[float] = []

    def measure(self) -> float:
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(self._measure).result()

    def _measure(self) -> float:
        timings = []
        for question in self.questions:
            started = time.perf_counter()
            self.model.embed_query_vectors([question])
            timings.append((time.perf_counter() - started) * 1000)
        self.measured.append(statistics.median(timings))
        return self.measured[-1]


def model_load_seconds(env: dict[str, str]) -> tuple[float, float]:
    """A fresh process importing the libraries and loading the model in the configured precision, and nothing else:
    the part of start-up that cannot be cut without another model (timed inside it, so the interpreter's own start
    counts against the product only). Returns wall and CPU seconds."""
    wall, cpu = model_alone([], env)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--seconds", type=float, default=20, help="length of each measured phase")
    parser.add_argument("--soak-seconds", type=float, default=60, help="length of the 32-client run before RSS")
    parser.add_argument("--no-peer", action="store_true", help="measure the product alone")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = list(dict.fromkeys(row["question"] for row in rows))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           **BENCH_SETTINGS}
    print("product settings: " + " ".join(f"{name}={value!r}" for name, value in BENCH_SETTINGS.items()))
    print(f"{len(questions)} distinct questions; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}",
          flush=True)

    os.environ["HF_HUB_OFFLINE"] = "1"
    floor = Fp32Floor(questions)
    load_seconds, load_cpu = model_load_seconds(env)
    print(f"model load in a fresh process (import + load): {load_seconds:.1f} s ({load_cpu:.1f} CPU s)", flush=True)

    product_port = free_port()
    product, product_startup = start_server(
        [PYTHON, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(product_port)], env,
        f"http://127.0.0.1:{product_port}/readyz")
    startup_cpu = cpu_seconds(product.pid)
    print(f"product start-up with a built index: {product_startup:.1f} s ({startup_cpu:.1f} CPU s; model load + "
          f"{product_startup - load_seconds:.1f} s, + {startup_cpu - load_cpu:.1f} CPU s); "
          f"idle RSS {rss_mb(product.pid):.0f} MB", flush=True)
    results: dict[str, dict[int, Phase]] = {"product": {}, "peer": {}}
    try:
        peer = None
        if not args.no_peer:
            peer_port = free_port()
            peer, peer_startup = start_server(
                [PYTHON, "-m", "uvicorn", "--factory", "bench.naive_peer:create_app", "--host", "127.0.0.1",
                 "--port", str(peer_port), "--log-level", "warning"], env, f"http://127.0.0.1:{peer_port}/readyz")
            print(f"peer start-up (embeds the passages): {peer_startup:.1f} s", flush=True)
        try:
            for clients in (1, 16):
                if clients == 1:
                    print(f"  fp32 floor before: {floor.measure():.0f} ms", flush=True)
                def product_phase(seconds: float, part: str, clients: int = clients) -> Phase:
                    return run_phase(f"http://127.0.0.1:{product_port}/v1/ask", questions, product.pid,
                                     f"product, {clients} clients{part}", clients, seconds)

                if peer is None:
                    results["product"][clients] = product_phase(args.seconds, "")
                else:
                    def peer_phase(seconds: float, part: str, clients: int = clients) -> Phase:
                        return run_phase(f"http://127.0.0.1:{peer_port}/ask", questions, peer.pid,
                                         f"peer, {clients} clients{part}", clients, seconds)

                    # Product, peer, peer, product, half the time each: a load that other processes on a shared
                    # machine put on or take off during the run falls on both alike (a drift cancels out).
                    half = args.seconds / 2
                    first_product, first_peer = product_phase(half, " (1/2)"), peer_phase(half, " (1/2)")
                    second_peer, second_product = peer_phase(half, " (2/2)"), product_phase(half, " (2/2)")
                    results["product"][clients] = combined(first_product, second_product)
                    results["peer"][clients] = combined(first_peer, second_peer)
                if clients == 1:
                    print(f"  fp32 floor after: {floor.measure():.0f} ms", flush=True)
        finally:
            if peer is not None:
                stop_server(peer)
        soak = run_phase(f"http://127.0.0.1:{product_port}/v1/ask", questions, product.pid,
                         "product, 32 clients (soak)", 32, args.soak_seconds)
    finally:
        stop_server(product)

    print("\nsummary")
    one, sixteen = results["product"][1], results["product"][16]
    floor_ms = statistics.mean(floor.measured)
    print(f"  1-client p50: {one.percentile(0.5):.0f} ms = {one.percentile(0.5) / floor_ms:.2f}x the in-process fp32 "
          f"floor ({floor_ms:.0f} ms: bare query embedding p50, mean of before and after)")
    if results["peer"]:
        peer_one, peer_sixteen = results["peer"][1], results["peer"][16]
        print(f"  16-client throughput: {sixteen.requests_per_second:.1f} vs {peer_sixteen.requests_per_second:.1f} "
              f"req/s = {sixteen.requests_per_second / peer_sixteen.requests_per_second:.2f}x the peer; server CPU per "
              f"request {sixteen.cpu_ms_per_request:.0f} vs {peer_sixteen.cpu_ms_per_request:.0f} ms = "
              f"{peer_sixteen.cpu_ms_per_request / sixteen.cpu_ms_per_request:.2f}x less")
        print(f"  1-client p50 vs peer: {one.percentile(0.5):.0f} vs {peer_one.percentile(0.5):.0f} ms = "
              f"{one.percentile(0.5) / peer_one.percentile(0.5):.2f}x;  16-client p95: {sixteen.percentile(0.95):.0f}"
              f" vs {peer_sixteen.percentile(0.95):.0f} ms")
        print(f"  RSS after 16 clients: {sixteen.rss_mb:.0f} vs {peer_sixteen.rss_mb:.0f} MB")
    print(f"  RSS after {args.soak_seconds:.0f} s at 32 clients: {soak.rss_mb:.0f} MB "
          f"({soak.requests_per_second:.1f} req/s, p95 {soak.percentile(0.95):.0f} ms)")
    errors = sum(phase.errors for by_clients in results.values() for phase in by_clients.values()) + soak.errors
    print(f"  errors: product {sum(p.errors for p in results['product'].values()) + soak.errors}, "
          f"peer {sum(p.errors for p in results['peer'].values())} (all {errors})")
    print(f"  start-up: {product_startup:.1f} s vs model load {load_seconds:.1f} s "
          f"(+{product_startup - load_seconds:.1f} s); CPU {startup_cpu:.1f} vs {load_cpu:.1f} s "
          f"(+{startup_cpu - load_cpu:.1f} s)")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
