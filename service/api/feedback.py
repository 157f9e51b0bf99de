"""Feedback from HTTP clients (the web page): stored with the Slack feedback, exported by `feedback export`."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import SessionStoreDep
from service.api.schemas import FeedbackOut, FeedbackRequest
from service.feedback import record_feedback

router = APIRouter()


@router.post("/v1/feedback", status_code=201, response_model=FeedbackOut, tags=["chat"],
             responses={404: {"description": "unknown session, or no answer at that turn"}})
def give_feedback(body: FeedbackRequest, store: SessionStoreDep) -> FeedbackOut:
    """👍/👎 on one answer of a session (named by `turn_id`, or by `turn`, its position), with an optional comment."""
    record = record_feedback(store, body.session_id, body.rating, body.comment, source="web",
                             turn_id=body.turn_id, turn=body.turn)
    return FeedbackOut(session_id=body.session_id, turn_id=record["turn_id"], turn=record["turn"],
                       rating=body.rating, comment=record["comment"])
