"""Typed dependencies handed to routes; tests swap them through `app.dependency_overrides`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.chain import QuestionAnswerer
from service.config import Settings
from service.errors import ServiceNotReadyError
from service.sessions import SessionStore


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_question_answerer(request: Request) -> QuestionAnswerer:
    answerer = getattr(request.app.state, "question_answerer", None)
    if answerer is None:
        reason = getattr(request.app.state, "load_error", None) or "still loading"
        raise ServiceNotReadyError(f"index not loaded: {reason}")
    return answerer  # type: ignore[no-any-return]


def get_session_store(request: Request) -> SessionStore:
    store = getattr(request.app.state, "session_store", None)
    if store is None:
        reason = getattr(request.app.state, "session_error", None) or "not opened"
        raise ServiceNotReadyError(f"session store unavailable: {reason}")
    return store  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
AnswererDep = Annotated[QuestionAnswerer, Depends(get_question_answerer)]
SessionStoreDep = Annotated[SessionStore, Depends(get_session_store)]
