"""The model alone, in a fresh process, for `make bench`'s start-up reference: prints the wall and CPU seconds it
takes to import the libraries and load the model in the configured precision.

    python bench/model_alone.py
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

from index.embed import SentenceTransformerEmbedder, resolve_embedding_dtype  # noqa: E402 - timed from the start
from service.config import get_settings  # noqa: E402


def main() -> None:
    settings = get_settings()
    SentenceTransformerEmbedder(settings.embedding_model, settings.models_dir,
                                dtype=resolve_embedding_dtype(settings.embedding_dtype))
    print(time.perf_counter() - STARTED, time.process_time())


if __name__ == "__main__":
    main()
