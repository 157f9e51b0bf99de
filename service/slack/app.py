"""The Slack adapter: a Bolt app that turns mentions, direct messages and /bluebook into questions.

Bolt acknowledges an event at once and runs the listener in its thread pool, so Slack gets its answer well
within 3 s while the question is being answered; the reply is posted afterwards, in the thread. Each Slack
thread is one conversation of the session store, so follow-ups are understood.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from service.chain import QuestionAnswerer, Turn, recent_turns
from service.config import Settings
from service.errors import BluebookError
from service.responses import ask_response
from service.sessions import SESSION_ID, SessionStore, StoredTurn
from service.slack.formatting import SlackReply, build_notice, build_reply, safe_text

logger = logging.getLogger("bluebook_qa.slack")

LEADING_MENTION = re.compile(r"^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,、]*")
ANSWERED_SUBTYPES = frozenset({"thread_broadcast", "file_share"})  # subtypes that are still a person asking
EVENT_KEEP_SECONDS = 24 * 3600  # Slack retries for minutes, not days: an answered message is remembered for a day
USAGE = "Ask me about the Diplomatic Bluebook, e.g. `/bluebook 2023年の日露間の貿易は？`"

AnswererGetter = Callable[[], QuestionAnswerer]


@dataclass(frozen=True)
class SlackQuestion:
    """One question asked in Slack, and where its answer goes."""

    team: str
    channel: str
    ts: str
    thread_ts: str
    user: str
    text: str

    @property
    def conversation_key(self) -> str:
        return f"slack:{self.team}:{self.channel}:{self.thread_ts}"


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the leading `<@BOT>` that addressed the bot; a leading mention of someone else stays."""
    match = LEADING_MENTION.match(text)
    if match and (bot_user_id is None or match.group(1) == bot_user_id):
        text = text[match.end():]
    return text.strip()


def question_from_event(body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None) -> SlackQuestion | None:
    """The question in an app_mention or direct-message event, or None for what the bot must ignore (bots,
    edits, deletions, its own messages, channel messages that do not mention it)."""
    if event.get("bot_id") or event.get("bot_profile"):
        return None
    subtype = event.get("subtype")
    if subtype is not None and subtype not in ANSWERED_SUBTYPES:
        return None
    if event.get("type") == "message" and event.get("channel_type") != "im":
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or (bot_user_id is not None and user == bot_user_id):
        return None
    team = str(body.get("team_id") or event.get("team") or "")
    return SlackQuestion(team=team, channel=str(channel), ts=str(ts), thread_ts=str(event.get("thread_ts") or ts),
                         user=str(user), text=strip_mention(str(event.get("text") or ""), bot_user_id))


def answer_value(session_id: str, turn_id: str) -> str:
    """What the buttons under an answer carry: the session and the answer's turn id (not its position, which
    shifts when old turns are trimmed)."""
    return f"{session_id}:{turn_id}"


def parse_answer_value(value: str) -> tuple[str, str] | None:
    session_id, _, turn_id = value.partition(":")
    return (session_id, turn_id) if SESSION_ID.fullmatch(session_id) and SESSION_ID.fullmatch(turn_id) else None


class SlackEventsHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, with dispatch moved off the event loop (it verifies, authorises, and waits for
    the listener's ack() synchronously)."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        bolt_response = await run_in_threadpool(self.app.dispatch,
                                                to_bolt_request(req, body, addition_context_properties))
        return to_starlette_response(bolt_response)


class SlackAnswerer:
    """What the listeners do, apart from Bolt: answer a question within a session and format the reply."""

    def __init__(self, settings: Settings, get_answerer: AnswererGetter, store: SessionStore) -> None:
        self.settings = settings
        self.get_answerer = get_answerer
        self.store = store

    def answer(self, session_id: str, question: str, *, shareable: bool = False,
               heading: str | None = None) -> SlackReply:
        """Answer within the session (its earlier turns are the history), remember both turns, format."""
        if len(question) > self.settings.max_question_chars:
            return build_notice(f"The question is {len(question)} characters long; the limit is "
                                f"{self.settings.max_question_chars}.")
        session = self.store.get(session_id)
        history = recent_turns([Turn(t.role, t.content) for t in session.turns] if session else [],
                               self.settings.max_history_turns)
        try:
            result = self.get_answerer().ask(question, history, self.settings.default_top_k)
        except BluebookError as exc:
            logger.error("could not answer a Slack question: %s", exc)
            return build_notice(f"Sorry, I cannot answer right now: {safe_text(str(exc))}")
        response = ask_response(result)
        citations = [c.model_dump() for c in response.citations]
        answer_turn = StoredTurn("assistant", response.answer, citations)
        self.store.append(session_id, [StoredTurn("user", question), answer_turn])
        value = answer_value(session_id, answer_turn.turn_id)
        return build_reply(response.answer, citations, response.abstained, heading=heading, feedback_value=value,
                           share_value=value if shareable else None)

    def stored_answer(self, value: str) -> tuple[str, str, list[dict[str, Any]]] | None:
        """(question, answer, citations) that a button points at, or None when the session is gone."""
        parsed = parse_answer_value(value)
        session = self.store.get(parsed[0]) if parsed else None
        if parsed is None or session is None:
            return None
        position = next((i for i, turn in enumerate(session.turns) if turn.turn_id == parsed[1]), None)
        if position is None or position == 0 or session.turns[position].role != "assistant":
            return None  # trimmed away since
        answer, question = session.turns[position], session.turns[position - 1]
        return question.content, answer.content, answer.citations


def build_slack_app(settings: Settings, get_answerer: AnswererGetter, store: SessionStore,
                    executor: Executor | None = None) -> App:
    """The Bolt app: explicit token and signing secret, request verification on, and no Slack call at build time
    (auth.test runs on the first request)."""
    if settings.slack_bot_token is None:
        raise ValueError("slack_bot_token is required to build the Slack app (BLUEBOOK_SLACK_BOT_TOKEN)")
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base_url)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(signing_secret=secret, client=client, token_verification_enabled=False,
              request_verification_enabled=True, listener_executor=executor, logger=logger)
    answers = SlackAnswerer(settings, get_answerer, store)

    def on_message(body: dict[str, Any], event: dict[str, Any], context: Any, client: WebClient) -> None:
        question = question_from_event(body, event, context.bot_user_id)
        if question is None:
            return
        # Slack retries an event it thinks was missed (to any replica), and a mention in a DM can come as two
        # events: each Slack *message* is answered once. The claim is a lease, marked answered only once the
        # reply is posted: a retry while it is being answered, or after, is dropped; a retry after answering or
        # posting failed (the claim released) or after the replica died (the lease lapsed) is answered.
        key = f"slack-message:{question.team}:{question.channel}:{question.ts}"
        if not store.claim_event(key, settings.slack_event_lease_seconds):
            return
        try:
            if not question.text:
                reply = build_notice(USAGE)
            else:
                reply = answers.answer(store.session_for_key(question.conversation_key), question.text)
            client.chat_postMessage(channel=question.channel, thread_ts=question.thread_ts, text=reply.text,
                                    blocks=reply.blocks)
        except Exception:
            logger.exception("answering a Slack message failed; its claim is released so a retry is answered")
            store.release_event(key)
            raise
        store.finish_event(key, EVENT_KEEP_SECONDS)

    app.event("app_mention")(on_message)
    app.event("message")(on_message)

    @app.command("/bluebook")
    def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        ack()
        text = str(command.get("text") or "").strip()
        if not text:
            reply = build_notice(USAGE)
            respond(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
            return
        # A session of one question keeps the answer for the Share and feedback buttons.
        reply = answers.answer(store.create(), text, shareable=True, heading=f"*Q:* {safe_text(text)}")
        respond(response_type="ephemeral", text=reply.text, blocks=reply.blocks)

    @app.action("share_answer")
    def on_share(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        stored = answers.stored_answer(str(action.get("value") or ""))
        if stored is None:
            respond(response_type="ephemeral", replace_original=False,
                    text="This answer is no longer kept; please ask again.")
            return
        question, answer, citations = stored
        user = body.get("user", {}).get("id", "")
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        heading = f"<@{user}> asked: {safe_text(question)}" if re.fullmatch(r"[A-Z0-9]+", user) else None
        reply = build_reply(answer, citations, abstained=not citations, heading=heading,
                            feedback_value=str(action.get("value")))
        client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks)
        respond(delete_original=True)

    def on_feedback(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        ack()
        stored = answers.stored_answer(str(action.get("value") or ""))
        question, answer = (stored[0], stored[1]) if stored else ("", str((body.get("message") or {}).get("text", "")))
        store.add_feedback({
            "source": "slack", "user_id": (body.get("user") or {}).get("id"),
            "rating": "up" if action.get("action_id") == "feedback_up" else "down",
            "question": question, "answer": answer, "comment": None, "created_at": time.time(),
            "channel_id": (body.get("channel") or {}).get("id"), "answer_ref": action.get("value")})
        respond(response_type="ephemeral", replace_original=False, text="Thanks for the feedback.")

    app.action("feedback_up")(on_feedback)
    app.action("feedback_down")(on_feedback)
    return app
