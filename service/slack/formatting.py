"""Answers as Slack messages: pure functions, mrkdwn-escaped, with @channel-style pings from documents defused."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SECTION_TEXT_LIMIT = 3000  # Slack's limit on a section block's text
MAX_BLOCKS = 50  # Slack's limit on blocks in one message
FALLBACK_TEXT_LIMIT = 3000  # the notification text; Slack advises well under 4000
QUOTE_LIMIT = 300  # one source's quote in the list; the passage itself is one click away in the API
BUTTON_VALUE_LIMIT = 2000
TRUNCATED = "…(truncated)"
ZERO_WIDTH_SPACE = "\u200b"

ABSTAINED_HEADER = "*Not found in the documents.*"
SPLIT_POINTS = ("\n", "。", ". ", "！", "？", "! ", "? ", " ")
ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")


@dataclass(frozen=True)
class SlackReply:
    """What chat.postMessage (or a response_url) takes: Block Kit blocks and the plain-text fallback."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters, as Slack asks: & < > become &amp; &lt; &gt;."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise_mentions(text: str) -> str:
    """`@channel`, `@here`, `@everyone`, `@user` typed as text cannot ping once a zero-width space follows the @."""
    return text.replace("@", "@" + ZERO_WIDTH_SPACE)


def safe_text(text: str) -> str:
    """Text from documents or users made inert: escaped (so `<!channel>`, `<@U1>`, `<#C1>` are plain text) and
    with every @ defused."""
    return neutralise_mentions(escape_mrkdwn(text))


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` to at most `limit` characters: a line, sentence or word end, never inside an entity."""
    if len(text) <= limit:
        return len(text)
    window = text[:limit]
    for mark in SPLIT_POINTS:
        at = window.rfind(mark)
        if at >= limit // 2:
            return at + len(mark)
    match = ENTITY_TAIL.search(window)  # do not split "&amp;" into "&am" + "p;"
    return match.start() if match and match.start() > 0 else limit


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split text into pieces of at most `limit` characters at clean boundaries."""
    if limit < 20:
        raise ValueError(f"limit must be >= 20, got {limit}")
    pieces = []
    rest = text
    while rest:
        at = _cut_point(rest, limit)
        piece, rest = rest[:at].rstrip(), rest[at:].lstrip()
        if piece:
            pieces.append(piece)
    return pieces


def with_truncation_note(text: str, limit: int) -> str:
    """`text`, cut as needed, followed by the note "…(truncated)", in at most `limit` characters."""
    room = limit - len(TRUNCATED) - 1
    kept = text if len(text) <= room else text[:_cut_point(text, room)].rstrip()
    return kept + "\n" + TRUNCATED


def trim_text(text: str, limit: int) -> str:
    """At most `limit` characters; when cut, it ends with the note "…(truncated)"."""
    return text if len(text) <= limit else with_truncation_note(text, limit)


def source_line(citation: Mapping[str, Any]) -> str:
    """One numbered source: section path and the quoted sentence (both from documents, so made inert)."""
    section = citation.get("section") or " > ".join(citation.get("section_path") or []) or citation.get("title", "")
    quote = str(citation.get("quote", ""))
    if len(quote) > QUOTE_LIMIT:
        quote = quote[:QUOTE_LIMIT - 1] + "…"
    return f"*[{citation.get('number')}]* {safe_text(str(section))} — 「{safe_text(quote)}」"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    if len(value) > BUTTON_VALUE_LIMIT:
        raise ValueError(f"a button value is at most {BUTTON_VALUE_LIMIT} characters, got {len(value)}")
    button: dict[str, Any] = {"type": "button", "action_id": action_id, "value": value,
                              "text": {"type": "plain_text", "text": text, "emoji": True}}
    if style:
        button["style"] = style
    return button


def action_buttons(feedback_value: str | None, share_value: str | None) -> list[dict[str, Any]]:
    """👍/👎 under every answer; "Share to channel" under an answer only its asker sees."""
    elements = []
    if share_value is not None:
        elements.append(_button("Share to channel", "share_answer", share_value, style="primary"))
    if feedback_value is not None:
        elements.append(_button("👍", "feedback_up", feedback_value))
        elements.append(_button("👎", "feedback_down", feedback_value))
    return [{"type": "actions", "block_id": "answer_actions", "elements": elements}] if elements else []


def build_reply(answer: str, citations: Sequence[Mapping[str, Any]], abstained: bool, *,
                heading: str | None = None, feedback_value: str | None = None,
                share_value: str | None = None) -> SlackReply:
    """The answer with its [n] markers, then a numbered source list, within Slack's block and length limits.

    `answer` and the citations come from documents and are made inert here; `heading` is mrkdwn the caller
    built (and escaped) itself.
    """
    body = safe_text(answer.strip())
    if abstained:
        body = f"{ABSTAINED_HEADER}\n{body}" if body else ABSTAINED_HEADER
    sources = [source_line(c) for c in citations]

    content: list[str] = []
    if heading:
        content.append(trim_text(heading, SECTION_TEXT_LIMIT))
    content.extend(split_text(body))
    if sources:
        block, lines = "*Sources*", []
        for line in sources:
            line = trim_text(line, SECTION_TEXT_LIMIT - len("*Sources*\n"))
            if len(block) + 1 + len(line) > SECTION_TEXT_LIMIT:
                lines.append(block)
                block = line
            else:
                block = f"{block}\n{line}"
        lines.append(block)
        content.extend(lines)

    actions = action_buttons(feedback_value, share_value)
    room = MAX_BLOCKS - len(actions)
    if len(content) > room:
        content = content[:room]
        content[-1] = with_truncation_note(content[-1], SECTION_TEXT_LIMIT)
    blocks = [_section(text) for text in content] + actions

    plain = "\n".join(part for part in ([heading] if heading else []) + [body] if part)
    if sources:
        plain += "\n\nSources:\n" + "\n".join(sources)
    return SlackReply(text=trim_text(plain, FALLBACK_TEXT_LIMIT), blocks=blocks)


def build_notice(text: str) -> SlackReply:
    """A short message of our own (usage, an error) with user- or document-provided parts already made inert."""
    return SlackReply(text=trim_text(text, FALLBACK_TEXT_LIMIT),
                      blocks=[_section(piece) for piece in split_text(text)][:MAX_BLOCKS])
