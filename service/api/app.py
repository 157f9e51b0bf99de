"""The app factory: the model and index are loaded once, in the lifespan, and errors are mapped here."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from service.api.chat import router as chat_router
from service.api.feedback import router as feedback_router
from service.api.operations import close_operations, install_operations, metered, open_operations
from service.api.routes import router
from service.chain import QuestionAnswerer
from service.config import Settings, get_settings
from service.errors import (
    BluebookError,
    LLMUnavailableError,
    PassageNotFoundError,
    ServiceNotReadyError,
    TurnNotFoundError,
)
from service.sessions import (
    SessionLimits,
    SessionNotFoundError,
    SessionStore,
    SessionStoreError,
    open_session_store,
)
from service.web import mount_web_page

logger = logging.getLogger("bluebook_qa")

Loader = Callable[[Settings], QuestionAnswerer]
StoreOpener = Callable[[Settings], SessionStore]


def default_store_opener(settings: Settings) -> SessionStore:
    limits = SessionLimits(max_turns=settings.session_max_turns, max_chars=settings.session_max_chars,
                           idle_ttl_seconds=settings.session_idle_ttl_seconds)
    return open_session_store(settings.session_url, settings.data_dir, limits)


def default_loader(settings: Settings) -> QuestionAnswerer:
    from service.loading import load_question_answerer  # keeps importing the app free of torch

    return load_question_answerer(settings)


ERROR_STATUS: dict[type[Exception], int] = {
    PassageNotFoundError: 404,
    SessionNotFoundError: 404,
    LLMUnavailableError: 503,
    SessionStoreError: 503,
    ServiceNotReadyError: 503,
    TurnNotFoundError: 404,
}


def _detail_response(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    return handler


def create_app(settings: Settings | None = None, loader: Loader | None = None,
               store_opener: StoreOpener | None = None) -> FastAPI:
    """Build the app. `loader` makes the question answerer; tests pass one built on fakes."""
    settings = settings or get_settings()
    load = loader or default_loader
    open_store = store_opener or default_store_opener

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.question_answerer = None
        app.state.load_error = None
        try:
            app.state.question_answerer = metered(app, load(settings))
        except BluebookError as exc:
            # Stay up so /healthz answers and /readyz and /v1/ask say what is wrong.
            app.state.load_error = str(exc)
            logger.error("could not load the index: %s", exc)
        app.state.session_store = None
        app.state.session_error = None
        try:
            app.state.session_store = open_store(settings)
        except BluebookError as exc:
            app.state.session_error = str(exc)
            logger.error("could not open the session store: %s", exc)
        open_operations(app, settings)
        app.state.slack_handler = None
        slack_executor = None
        if not missing_slack and app.state.session_store is not None:
            from service.slack.app import SlackEventsHandler, build_slack_app

            def current_answerer() -> QuestionAnswerer:
                if app.state.question_answerer is None:
                    raise ServiceNotReadyError(f"index not loaded: {app.state.load_error or 'still loading'}")
                return app.state.question_answerer  # type: ignore[no-any-return]

            # Our own pool, so shutdown waits for answers in progress before the store is closed.
            slack_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack")
            app.state.slack_handler = SlackEventsHandler(build_slack_app(
                settings, current_answerer, app.state.session_store, executor=slack_executor))
        yield
        close_operations(app)
        app.state.slack_handler = None
        if slack_executor is not None:
            slack_executor.shutdown(wait=True)
        app.state.question_answerer = None
        if app.state.session_store is not None:
            app.state.session_store.close()
            app.state.session_store = None

    app = FastAPI(title="bluebook-qa", version="0.1.0", lifespan=lifespan,
                  description="Questions about the Diplomatic Bluebook, answered with verifiable citations.")
    app.state.settings = settings
    app.include_router(router)
    app.include_router(chat_router)
    app.include_router(feedback_router)
    mount_web_page(app)
    install_operations(app, settings)  # keys, limits, metrics, request ids, the documented statuses

    missing_slack = settings.missing_slack_settings()

    @app.post("/slack/events", tags=["slack"], response_model=None)
    async def slack_events(request: Request) -> Response:
        """Slack's Events API, slash commands and interactivity (verified with the signing secret)."""
        if missing_slack:
            return JSONResponse(status_code=503, content={
                "detail": f"Slack is not configured: set {' and '.join(missing_slack)}"})
        handler = getattr(request.app.state, "slack_handler", None)
        if handler is None:
            reason = getattr(request.app.state, "session_error", None) or "not opened"
            return JSONResponse(status_code=503, content={"detail": f"session store unavailable: {reason}"})
        return await handler.handle(request)  # type: ignore[no-any-return]

    # Domain errors mapped at the edge: the message is the detail, the kind decides the status.
    for error_type, status in ERROR_STATUS.items():
        app.add_exception_handler(error_type, _detail_response(status))

    return app
