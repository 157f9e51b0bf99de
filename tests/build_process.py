"""A real `build_index` process for the crash-safety tests: it can stop at a named point of the build, print
PAUSED and wait there, so the test can kill -9 it exactly there.

    python -m tests.build_process CORPUS INDEX_DIR POINT TARGET_CHARS
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

from index import store
from index.build import build_index
from index.chunk import ChunkingParams
from tests.fakes import HashingEmbedder

POINTS = ("none", "embedding", "writing", "before-swap", "between-renames", "deleting-previous")


def pause(point: str) -> None:
    print(f"PAUSED {point}", flush=True)
    time.sleep(600)


class PausingEmbedder(HashingEmbedder):
    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        pause("embedding")
        return super().embed_document_vectors(texts, show_progress)


def main() -> None:
    corpus, index_dir, point, target_chars = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    if point not in POINTS:
        raise SystemExit(f"unknown point {point!r}; known: {POINTS}")
    if point == "writing":  # the staging folder is half written
        write = store.faiss.write_index
        store.faiss.write_index = lambda *args: (write(*args), pause(point))
    if point == "before-swap":  # the staging folder is complete, nothing is renamed yet
        swap = store.swap_into_place
        store.swap_into_place = lambda staging, target: (pause(point), swap(staging, target))
    if point == "between-renames":  # the old index is moved aside, the new one not yet in place
        rename = Path.rename

        def pausing_rename(self: Path, target: Path) -> Path:
            if self.name.endswith(".building"):
                pause(point)
            return rename(self, target)

        Path.rename = pausing_rename  # type: ignore[method-assign]
    if point == "deleting-previous":  # the new index is in place, the old one half deleted
        rmtree = shutil.rmtree

        def pausing_rmtree(path: Path, *args: object, **kwargs: object) -> None:
            files = sorted(Path(path).iterdir()) if Path(path).name.endswith(".previous") else []
            if files and (index_dir / store.MANIFEST).is_file():
                files[0].unlink()
                pause(point)
            rmtree(path, *args, **kwargs)

        store.shutil.rmtree = pausing_rmtree  # type: ignore[assignment]
    embedder = PausingEmbedder() if point == "embedding" else HashingEmbedder()
    build_index(corpus, index_dir, embedder, ChunkingParams(target_chars=target_chars, overlap_sentences=0),
                force=True)
    print("BUILT", flush=True)


if __name__ == "__main__":
    main()
