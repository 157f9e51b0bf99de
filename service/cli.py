"""The `bluebook-qa` command: provision models, build the index, serve, ask."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from service.config import Settings, get_settings
from service.errors import BluebookError

EXIT_ERROR = 1
EXIT_USAGE = 2


def _progress_factory():  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm


def command_models(settings: Settings, args: argparse.Namespace) -> int:
    from index.models import KNOWN_CHAT_MODELS, KNOWN_MODELS, provision

    if args.llm:
        from service.llm import DEFAULT_LOCAL_CHAT_MODEL

        chat = KNOWN_CHAT_MODELS.get(settings.llm_model or DEFAULT_LOCAL_CHAT_MODEL)
        if chat is None:
            print(f"{settings.llm_model!r} is not a chat model this project provisions; known: "
                  f"{', '.join(KNOWN_CHAT_MODELS)}")
        else:
            path = provision(settings.models_dir, chat, progress=_progress_factory(), force=args.force)
            print(f"{chat.name} is ready at {path}")

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
    from index.store import build_lock
    from service.loading import load_embedder

    # The lock is taken before the model loads, so a second build is refused at once.
    with build_lock(settings.index_dir):
        embedder = load_embedder(settings)
        build_index(settings.corpus_dir, settings.index_dir, embedder, settings.chunking(),
                    index_type=settings.faiss_index_type, force=args.force, report=print, show_progress=True,
                    lock=False)
    return 0


def command_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from service.api.app import create_app
    from service.api.observability import configure_logging

    settings = settings.model_copy(update={"host": args.host or settings.host, "port": args.port or settings.port})
    configure_logging(settings.log_level, settings.log_format)
    # Our access log carries the request id, so uvicorn's is off; behind a proxy, X-Forwarded-For from the
    # addresses in BLUEBOOK_FORWARDED_ALLOW_IPS gives the client address that open-mode rate limits count.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False,
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips)
    return 0


def command_ask(settings: Settings, args: argparse.Namespace) -> int:
    from service.loading import load_question_answerer
    from service.responses import ask_response

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
        where = f", p. {citation.page_label or citation.page}" if citation.page is not None else ""
        print(f"\n[{citation.number}] {citation.title}{where} — {' > '.join(citation.section_path)}\n"
              f"    {citation.passage_id} (chars {citation.start}–{citation.end})\n    「{citation.quote}」")
    return 0


def command_eval(settings: Settings, args: argparse.Namespace) -> int:
    from index.corpus import load_corpus
    from service.evaluate import check_thresholds, gap_lines, load_dataset, metrics_for, run_dataset, write_outputs

    items = load_dataset(args.dataset)
    # Read the gate's thresholds before the run, so a bad file fails at once rather than after every question.
    thresholds = None
    if args.thresholds:
        try:
            thresholds = json.loads(args.thresholds.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"error: cannot read thresholds {args.thresholds}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if not isinstance(thresholds, dict):
            print(f"error: thresholds {args.thresholds} must hold a JSON object", file=sys.stderr)
            return EXIT_USAGE
    if args.url and args.compare:
        print("error: --compare runs configurations in-process; it cannot be combined with --url", file=sys.stderr)
        return EXIT_USAGE
    if not 1 <= args.top_k <= settings.max_top_k:
        print(f"error: --top-k must be between 1 and {settings.max_top_k}, got {args.top_k}", file=sys.stderr)
        return EXIT_USAGE
    corpus_texts = [d.clean().text for d in load_corpus(settings.corpus_dir)]
    base_config = {"embedding_model": settings.embedding_model, "chunking": settings.chunking().__dict__,
                   "retrieval_mode": settings.retrieval_mode, "rrf_k": settings.rrf_k,
                   "bm25_weight": settings.bm25_weight,
                   "cross_lingual_bm25_factor": settings.cross_lingual_bm25_factor,
                   "answerer": "extractive" if settings.llm_provider == "none" else f"llm:{settings.llm_provider}",
                   "llm_model": settings.llm_model, "chunk_target_chars": settings.chunk_target_chars,
                   "answer_min_similarity": settings.answer_min_similarity, "top_k": args.top_k}
    runs = {}
    if args.url:
        import httpx

        client = httpx.Client(base_url=args.url.rstrip("/"), timeout=60)

        def ask_http(question: str, history: list[dict[str, str]], top_k: int) -> dict:
            response = client.post("/v1/ask", json={"question": question, "history": history, "top_k": top_k})
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]

        def passage_http(passage_id: str) -> str | None:
            response = client.get(f"/v1/passages/{passage_id}")
            return response.json().get("text") if response.status_code == 200 else None

        try:
            results = run_dataset(items, ask_http, corpus_texts, passage_http, args.top_k, label=args.url)
        except httpx.HTTPError as exc:
            print(f"error: the server at {args.url} did not answer: {exc}", file=sys.stderr)
            return EXIT_ERROR
        runs["http"] = (metrics_for(results, {**base_config, "url": args.url}), results)
        primary = "http"
    else:
        from service.chain import QuestionAnswerer, Turn
        from service.loading import build_retriever, load_question_answerer
        from service.responses import ask_response

        # Every question is answered, none served from the answer cache (which would also hide the
        # QuestionAnswerer the configurations below are built from).
        eval_settings = settings.model_copy(update={"answer_cache_size": 0})
        base = load_question_answerer(eval_settings)
        reranker = getattr(base.retriever, "reranker", None)
        modes = ["hybrid", "dense", "bm25"] if args.compare else [settings.retrieval_mode]
        for mode in modes:
            retriever = build_retriever(eval_settings.model_copy(update={"retrieval_mode": mode}), base.index,
                                        base.embedder, reranker)
            answerer = QuestionAnswerer(index=base.index, embedder=base.embedder, retriever=retriever,
                                        answerer=base.answerer, context_weight=base.context_weight,
                                        pointing_context_weight=base.pointing_context_weight,
                                        generator=base.generator, condense_prompt=base.condense_prompt,
                                        fallback_to_extractive=base.fallback_to_extractive)

            def ask_local(question: str, history: list[dict[str, str]], top_k: int,
                          answerer: QuestionAnswerer = answerer) -> dict:
                turns = [Turn(turn["role"], turn["content"]) for turn in history]
                return ask_response(answerer.ask(question, turns, top_k)).model_dump()

            def passage_local(passage_id: str) -> str | None:
                passage = base.index.passage_by_id(passage_id)
                return passage.text if passage else None

            results = run_dataset(items, ask_local, corpus_texts, passage_local, args.top_k, label=mode)
            runs[mode] = (metrics_for(results, {**base_config, "retrieval_mode": mode}), results)
        primary = modes[0]
    write_outputs(args.out, runs, primary)
    for label, (metrics, _) in runs.items():
        blocks = {"all": metrics["overall"]}
        blocks.update({split: block["overall"] for split, block in metrics["by_split"].items()})
        for scope, block in blocks.items():
            figures = "  ".join(f"{k}={v}" for k, v in block.items() if v is not None)
            print(f"{label} [{scope}]: {figures}")
        for line in gap_lines(metrics):
            print(f"{label} gap {line}")
    print(f"wrote {args.out / 'metrics.json'}, results.jsonl and report.html")
    if thresholds is not None:
        failures = check_thresholds(runs[primary][0], thresholds)
        for failure in failures:
            print(f"quality gate: {failure}", file=sys.stderr)
        if failures:
            return EXIT_ERROR
        print(f"quality gate passed on the {thresholds.get('split', 'whole')} split ({args.thresholds})")
    return 0


def command_slack(settings: Settings, args: argparse.Namespace) -> int:
    if not args.socket:
        print("error: over HTTP, Slack is served by `bluebook-qa serve` at POST /slack/events; "
              "use --socket for Socket Mode", file=sys.stderr)
        return EXIT_USAGE
    missing = [name for name, value in (("BLUEBOOK_SLACK_BOT_TOKEN", settings.slack_bot_token),
                                        ("BLUEBOOK_SLACK_APP_TOKEN", settings.slack_app_token)) if value is None]
    if missing:
        print(f"error: Socket Mode needs {' and '.join(missing)} (see README, section Slack)", file=sys.stderr)
        return EXIT_USAGE
    assert settings.slack_app_token is not None
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from service.api.app import default_store_opener
    from service.api.observability import configure_logging
    from service.loading import load_question_answerer
    from service.slack.app import build_slack_app

    configure_logging(settings.log_level, settings.log_format)
    answerer = load_question_answerer(settings)
    store = default_store_opener(settings)
    try:
        app = build_slack_app(settings, lambda: answerer, store)
        print("connecting to Slack in Socket Mode (Ctrl-C stops)", file=sys.stderr)
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
    finally:
        store.close()
    return 0


def command_feedback(settings: Settings, args: argparse.Namespace) -> int:
    from service.api.app import default_store_opener

    store = default_store_opener(settings)
    try:
        lines = [json.dumps(record, ensure_ascii=False) + "\n" for record in store.feedback()]
    finally:
        store.close()
    if args.out is None:
        sys.stdout.writelines(lines)
    else:
        args.out.write_text("".join(lines), encoding="utf-8")
        print(f"wrote {len(lines)} feedback record(s) to {args.out}", file=sys.stderr)
    return 0


def command_keys(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from service.keys import open_key_store

    def when(stamp: float) -> str:
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%SZ")

    keys = open_key_store(settings)
    try:
        if args.keys_command == "create":
            key = keys.create(args.name)
            print(key)
            print(f"created key {args.name!r}: send it as 'Authorization: Bearer <key>'. It is shown only now; "
                  "from now on every /v1/* request needs a key.", file=sys.stderr)
        elif args.keys_command == "revoke":
            keys.revoke(args.name)
            print(f"revoked key {args.name!r}", file=sys.stderr)
        else:
            infos = keys.list()
            if not infos:
                print("no keys: the service is open to anyone who can reach it", file=sys.stderr)
            for info in infos:
                state = "active" if info.active else f"revoked {when(info.revoked_at or 0)}"
                print(f"{info.name}\t{info.hint}…\tcreated {when(info.created_at)}\t{state}")
    finally:
        keys.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bluebook-qa", description=(
        "Answer questions about the Diplomatic Bluebook with citations. Settings come from BLUEBOOK_* variables."))
    commands = parser.add_subparsers(dest="command", required=True)

    models = commands.add_parser("models", help="download, verify and extract the embedding model (offline after)")
    models.add_argument("--force", action="store_true", help="download and extract again")
    models.add_argument("--llm", action="store_true",
                        help="also provision the local chat model (GGUF) for BLUEBOOK_LLM_PROVIDER=llamacpp")
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

    evaluate = commands.add_parser("eval", help="score the service on a JSONL question set")
    evaluate.add_argument("--dataset", type=Path, required=True, help="JSONL question set (see eval/dev.jsonl)")
    evaluate.add_argument("--out", type=Path, required=True, help="folder for metrics.json, results.jsonl, report.html")
    evaluate.add_argument("--compare", action="store_true", help="also run dense-only and BM25-only, side by side")
    evaluate.add_argument("--url", default=None, help="evaluate a running server's HTTP API instead of in-process")
    evaluate.add_argument("--top-k", type=int, default=10, help="passages retrieved per question (recall@10 needs 10)")
    evaluate.add_argument("--thresholds", type=Path, default=None,
                          help="JSON of metric floors/ceilings; exit 1 when one is not met (the CI quality gate)")
    evaluate.set_defaults(handler=command_eval)

    slack = commands.add_parser("slack", help="run the Slack bot in Socket Mode (no public URL needed)")
    slack.add_argument("--socket", action="store_true",
                       help="connect with BLUEBOOK_SLACK_APP_TOKEN (over HTTP, `serve` answers /slack/events)")
    slack.set_defaults(handler=command_slack)

    feedback = commands.add_parser("feedback", help="the 👍/👎 feedback given in Slack")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_commands.add_parser("export", help="write the feedback records as JSON Lines")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    export.set_defaults(handler=command_feedback)

    keys = commands.add_parser("keys", help="API keys for the HTTP API (kept hashed in the session store)")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_commands.add_parser("create", help="make a key and print it once")
    create.add_argument("name", help="who or what the key is for (letters, digits, . _ -)")
    revoke = keys_commands.add_parser("revoke", help="revoke a key at once (on every replica)")
    revoke.add_argument("name")
    keys_commands.add_parser("list", help="the keys: name, first characters, created, revoked")
    keys.set_defaults(handler=command_keys)
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
