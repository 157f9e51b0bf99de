"""Feedback on an answer, whichever way it came (Slack buttons, the web page): one store, one record shape."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.errors import TurnNotFoundError
from service.sessions import SessionNotFoundError, SessionStore

RATINGS = ("up", "down")


@dataclass(frozen=True)
class RatedExchange:
    position: int  # where the answer is in the session now
    turn_id: str
    question: str
    answer: str


def rated_exchange(store: SessionStore, session_id: str, *, turn_id: str | None = None,
                   turn: int | None = None) -> RatedExchange:
    """The answer a rating is about, named by its turn id or by its position in the session's turns."""
    session = store.get(session_id)
    if session is None:
        raise SessionNotFoundError(f"unknown session: {session_id}")
    if turn_id is not None:
        position = next((i for i, t in enumerate(session.turns) if t.turn_id and t.turn_id == turn_id), None)
        named = f"turn id {turn_id}"
    else:
        position = turn
        named = f"turn {turn}"
    if position is None or not 0 <= position < len(session.turns) or session.turns[position].role != "assistant":
        raise TurnNotFoundError(f"session {session_id} has no answer at {named} "
                                "(it was never there, or old turns were trimmed away)")
    before = session.turns[position - 1] if position > 0 else None
    question = before.content if before is not None and before.role == "user" else ""
    answer = session.turns[position]
    return RatedExchange(position, answer.turn_id, question, answer.content)


def record_feedback(store: SessionStore, session_id: str, rating: str, comment: str | None, *, source: str,
                    turn_id: str | None = None, turn: int | None = None, user_id: str | None = None,
                    clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Store a 👍/👎 (and an optional comment) with the question and answer it is about; return the record."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 'up' or 'down', got {rating!r}")
    exchange = rated_exchange(store, session_id, turn_id=turn_id, turn=turn)
    record = {"source": source, "user_id": user_id, "rating": rating, "question": exchange.question,
              "answer": exchange.answer, "comment": comment or None, "created_at": clock(),
              "session_id": session_id, "turn_id": exchange.turn_id, "turn": exchange.position,
              "answer_ref": f"{session_id}:{exchange.turn_id}"}
    store.add_feedback(record)
    return record
