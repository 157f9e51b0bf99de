"""Real server processes for tests: the real app factory under uvicorn (tests/fake_server.py), on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`uvicorn --factory tests.fake_server:create_fake_app` with the given BLUEBOOK_* settings."""

    def __init__(self, folder: Path, settings: dict[str, str], port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / f"server-{self.port}.log"
        env = {name: value for name, value in os.environ.items() if not name.startswith("BLUEBOOK_")}
        env.update({"PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1", "BLUEBOOK_LOG_LEVEL": "INFO",
                    "BLUEBOOK_INDEX_DIR": str(folder / f"index-{self.port}"), **settings})
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "tests.fake_server:create_fake_app", "--host",
             "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not become ready: {self.log_path.read_text()[-3000:]}")

    def logs(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()
