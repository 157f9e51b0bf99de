"""Benchmark: re-indexing after one small document changed, against a full build, with the real model.

The corpus is the project's corpus plus one small Markdown note. It is built in full (`--force`), the note is
edited, and the index is built again: only the note should be embedded. Prints both times, their ratio and what
the command reported; asserts nothing.
    .venv/bin/python bench/incremental.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

NOTE = """---
title: 覚え書き
year: 2025
---
# 覚え書き

## 1 中央アジア

日本は中央アジア諸国との対話を続け、人材育成の協力を進めた。
"""


def main() -> None:
    from index.build import build_index
    from service.config import PROJECT_ROOT, get_settings
    from service.loading import load_embedder

    settings = get_settings()
    embedder = load_embedder(settings)
    root = Path(tempfile.mkdtemp(prefix="bluebook-incremental-"))
    try:
        corpus = root / "corpus"
        shutil.copytree(PROJECT_ROOT / "corpus", corpus)
        (corpus / "note.md").write_text(NOTE, encoding="utf-8")
        index_dir = root / "index"
        started = time.perf_counter()
        full, _ = build_index(corpus, index_dir, embedder, settings.chunking(), force=True)
        full_s = time.perf_counter() - started
        (corpus / "note.md").write_text(NOTE + "\n両国は若手外交官の交流を拡大した。\n", encoding="utf-8")
        messages: list[str] = []
        started = time.perf_counter()
        build_index(corpus, index_dir, embedder, settings.chunking(), report=messages.append)
        incremental_s = time.perf_counter() - started
        print(f"full build: {full_s:.1f} s ({full.passages} passages, {len(full.corpus)} documents)")
        print(f"after changing note.md: {incremental_s:.1f} s = {incremental_s / full_s:.1%} of the full build")
        for message in messages:
            print(f"  bluebook-qa index says: {message}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
