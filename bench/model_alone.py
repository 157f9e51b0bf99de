"""The model alone, in a fresh process, for `make bench`'s reference figures (prints one number).

    python bench/model_alone.py load            # seconds to import the libraries and load the model (configured dtype)
    python bench/model_alone.py floor QUESTIONS # p50 ms of a bare fp32 query embedding, one question at a time
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()

from index.embed import SentenceTransformerEmbedder, resolve_embedding_dtype  # noqa: E402 - timed from the start
from service.config import get_settings  # noqa: E402


def main() -> None:
    settings = get_settings()
    if sys.argv[1] == "load":
        SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir,
                                    dtype=resolve_embedding_dtype(settings.embedding_dtype))
        print(time.perf_counter() - STARTED)
        return
    questions = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    model = SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir, dtype="float32")
    model.embed_query_vectors(questions[:3])  # warm-up
    timings = []
    for question in questions:
        started = time.perf_counter()
        model.embed_query_vectors([question])
        timings.append(time.perf_counter() - started)
    print(statistics.median(timings) * 1000)


if __name__ == "__main__":
    main()
