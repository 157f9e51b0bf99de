"""Feedback on an answer, whichever way it came (Slack buttons, the web page): one store, one record shape."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from service.errors import TurnNotFoundError
from service.sessions import SessionNotFoundError, SessionStore

Rating = Literal["up", "down"]
RATINGS = ("up", "down")


def rated_exchange(store: SessionStore, session_id: str, turn: int) -> tuple[str, str]:
    """(question, answer) of the assistant turn at `turn` in the session, as `/v1/sessions/{id}` lists them."""
    session = store.get(session_id)
    if session is None:
        raise SessionNotFoundError(f"unknown session: {session_id}")
    if not 0 <= turn < len(session.turns) or session.turns[turn].role != "assistant":
        raise TurnNotFoundError(f"session {session_id} has no answer at turn {turn} "
                                f"(it has {len(session.turns)} turns; answers are at odd positions)")
    before = session.turns[turn - 1] if turn > 0 else None
    question = before.content if before is not None and before.role == "user" else ""
    return question, session.turns[turn].content


def record_feedback(store: SessionStore, session_id: str, turn: int, rating: str, comment: str | None, *,
                    source: str, user_id: str | None = None, clock: Callable[[], float] = time.time
                    ) -> dict[str, Any]:
    """Store a 👍/👎 (and an optional comment) with the question and answer it is about; return the record."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 'up' or 'down', got {rating!r}")
    question, answer = rated_exchange(store, session_id, turn)
    record = {"source": source, "user_id": user_id, "rating": rating, "question": question, "answer": answer,
              "comment": comment or None, "created_at": clock(), "session_id": session_id, "turn": turn,
              "answer_ref": f"{session_id}:{turn}"}
    store.add_feedback(record)
    return record
