"""The `bluebook-qa` command: provision models, build the index, serve, ask."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from service.config import Settings, get_settings
from service.errors import BluebookError

EXIT_ERROR = 1
EXIT_USAGE = 2


def _progress_factory():  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm


def command_models(settings: Settings, args: argparse.Namespace) -> int:
    from index.models import KNOWN_MODELS, provision

    model = KNOWN_MODELS.get(settings.embedding_model)
    if model is None:
        print(f"{settings.embedding_model!r} is not a model this project provisions; it will be loaded as a "
              f"sentence-transformers name or path. Known models: {', '.join(KNOWN_MODELS)}")
        return 0
    path = provision(settings.models_dir, model, progress=_progress_factory(), force=args.force)
    print(f"{model.name} is ready at {path}")
    return 0


def command_index(settings: Settings, args: argparse.Namespace) -> int:
    from index.build import build_index
    from service.loading import load_embedder

    embedder = load_embedder(settings)
    build_index(settings.corpus_dir, settings.index_dir, embedder, settings.chunking(),
                index_type=settings.faiss_index_type, force=args.force, report=print, show_progress=True)
    return 0


def command_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from service.api.app import create_app

    settings = settings.model_copy(update={"host": args.host or settings.host, "port": args.port or settings.port})
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
    return 0


def command_ask(settings: Settings, args: argparse.Namespace) -> int:
    from service.api.routes import ask_response
    from service.loading import load_question_answerer

    question = args.question.strip()
    if not question:
        print("error: the question is empty", file=sys.stderr)
        return EXIT_USAGE
    if len(question) > settings.max_question_chars:
        print(f"error: the question is {len(question)} characters long; the limit is {settings.max_question_chars}",
              file=sys.stderr)
        return EXIT_USAGE
    top_k = args.top_k or settings.default_top_k
    if not 1 <= top_k <= settings.max_top_k:
        print(f"error: --top-k must be between 1 and {settings.max_top_k}, got {top_k}", file=sys.stderr)
        return EXIT_USAGE
    result = load_question_answerer(settings).ask(question, top_k=top_k)
    if args.json:
        print(json.dumps(ask_response(result).model_dump(), ensure_ascii=False, indent=2))
        return 0
    answer = result.answer
    print(answer.answer)
    for citation in answer.citations:
        print(f"\n[{citation.number}] {citation.title} — {' > '.join(citation.section_path)}\n"
              f"    {citation.passage_id} (chars {citation.start}–{citation.end})\n    「{citation.quote}」")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bluebook-qa", description=(
        "Answer questions about the Diplomatic Bluebook with citations. Settings come from BLUEBOOK_* variables."))
    commands = parser.add_subparsers(dest="command", required=True)

    models = commands.add_parser("models", help="download, verify and extract the embedding model (offline after)")
    models.add_argument("--force", action="store_true", help="download and extract again")
    models.set_defaults(handler=command_models)

    index = commands.add_parser("index", help="build the index (only when the corpus or settings changed)")
    index.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    index.set_defaults(handler=command_index)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(handler=command_serve)

    ask = commands.add_parser("ask", help="answer one question from the shell")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the HTTP API's JSON answer")
    ask.add_argument("--top-k", type=int, default=None)
    ask.set_defaults(handler=command_ask)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:  # pydantic's ValidationError: a BLUEBOOK_* variable is malformed
        print(f"error: invalid settings: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(settings, args))
    except BluebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
