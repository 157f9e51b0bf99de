"""The OpenAPI document tells the truth: schemathesis, every check, every operation, against the real app factory
under a real server (the fake embedder keeps it fast), with API keys on and Slack configured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service.keys import SQLiteKeyStore
from tests.servers import ServerProcess

CONFIG = Path(__file__).parent / "fixtures" / "schemathesis.toml"


def test_schemathesis_finds_no_failure_of_any_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    keys = SQLiteKeyStore(data / "sessions.sqlite3")
    key = keys.create("fuzz")
    keys.close()
    server = ServerProcess(tmp_path, {
        "BLUEBOOK_DATA_DIR": str(data), "BLUEBOOK_LOG_LEVEL": "WARNING",
        # Slack configured, so /slack/events answers as it does in production (401 unsigned), not 503.
        "BLUEBOOK_SLACK_BOT_TOKEN": "xoxb-fuzz", "BLUEBOOK_SLACK_SIGNING_SECRET": "fuzz-secret",
        "BLUEBOOK_SLACK_API_URL": "http://127.0.0.1:9/api/",
        # The fuzzer is one client sending hundreds of requests: limits that would turn it away are raised.
        "BLUEBOOK_RATE_LIMIT": "100000/minute", "BLUEBOOK_MAX_ANSWERS_IN_PROGRESS": "16"})
    try:
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(CONFIG), "run",
             server.url + "/openapi.json", "--checks", "all", "--header", f"Authorization: Bearer {key}",
             "--max-examples", "25", "--workers", "1", "--seed", "20261128",
             # Hypothesis's own health checks judge the data generation's speed (a loaded CI machine), not the API.
             "--suppress-health-check", "all"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "0 failures" in report or "passed" in report
    assert "Traceback" not in server.logs()
