"""Crash safety of builds, with real processes: kill -9 at each point of a build, and two builds at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import build_index
from index.chunk import ChunkingParams
from index.errors import IndexBusyError
from index.store import build_lock, load_index, lock_path
from service.config import PROJECT_ROOT
from tests.fakes import HashingEmbedder

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
OLD = ChunkingParams(target_chars=120, overlap_sentences=0)
NEW_TARGET_CHARS = 300


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, folder)
    return folder


def start_build(corpus: Path, index_dir: Path, point: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.build_process", str(corpus), str(index_dir), point,
                             str(NEW_TARGET_CHARS)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_pause(process: subprocess.Popen[str], point: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != f"PAUSED {point}":
        process.kill()
        raise AssertionError(f"the build did not stop at {point}: {line!r} {process.stderr.read()}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def loaded_target_chars(index_dir: Path, embedder: HashingEmbedder) -> int:
    index = load_index(index_dir, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint)
    assert index.passages and index.dense.ntotal == len(index.passages)
    return int(index.manifest.chunking["target_chars"])


@pytest.mark.parametrize("point, expected_chars", [
    ("embedding", OLD.target_chars), ("writing", OLD.target_chars), ("before-swap", OLD.target_chars),
    ("between-renames", OLD.target_chars), ("deleting-previous", NEW_TARGET_CHARS)])
def test_kill_9_at_any_point_leaves_a_loadable_index(corpus: Path, tmp_path: Path, processes: list,
                                                     point: str, expected_chars: int) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "var" / "index"
    build_index(corpus, index_dir, embedder, OLD)
    process = start_build(corpus, index_dir, point)
    processes.append(process)
    wait_for_pause(process, point)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # The service loads the last complete index: the old one until the new one is in place.
    assert loaded_target_chars(index_dir, embedder) == expected_chars
    # The next build cleans up after the killed one, takes the lock it held, and succeeds.
    _, rebuilt = build_index(corpus, index_dir, embedder, ChunkingParams(target_chars=200, overlap_sentences=0))
    assert rebuilt
    assert loaded_target_chars(index_dir, embedder) == 200
    assert sorted(p.name for p in index_dir.parent.iterdir()) == sorted(["index", lock_path(index_dir).name])


def test_a_second_concurrent_build_is_refused(corpus: Path, tmp_path: Path, processes: list) -> None:
    index_dir = tmp_path / "var" / "index"
    first = start_build(corpus, index_dir, "embedding")
    processes.append(first)
    wait_for_pause(first, "embedding")

    # The real command, as a second process: refused at once, before it loads any model.
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "BLUEBOOK_INDEX_DIR": str(index_dir),
           "BLUEBOOK_CORPUS_DIR": str(corpus), "BLUEBOOK_MODELS_DIR": str(tmp_path / "no-models")}
    second = subprocess.run([sys.executable, "-m", "service.cli", "index"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert "error: another `bluebook-qa index`" in second.stderr
    assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
    with pytest.raises(IndexBusyError, match="wait for it to finish"):
        build_index(corpus, index_dir, HashingEmbedder(), OLD)

    # A killed holder never leaves a stale lock: the kernel releases it.
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    _, rebuilt = build_index(corpus, index_dir, HashingEmbedder(), OLD)
    assert rebuilt


def test_lock_is_released_after_a_build(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with build_lock(index_dir):
        with pytest.raises(IndexBusyError):
            with build_lock(index_dir):
                pass
    with build_lock(index_dir):
        pass
