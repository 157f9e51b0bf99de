"""Follow-ups: what "その会談", "同国", "彼", "それ" or "he" / "that" refer to, resolved from the last turns before
retrieval and before the question is typed.

Resolution works on parts of speech, not phrasings: a demonstrative (連体詞 その/この/あの, 接頭辞 同) before a noun
is replaced by the latest noun compound of the conversation with the same head noun (その会談 → 首脳会談); a personal
pronoun by the latest person named; そこ and 同国 by the latest place. それ/これ are left as they are: they refer to
an event as often as to a thing, and the conversation's context (weighed into search and answering) resolves them
better than a guess (measured on the tune split's follow-ups: replacing them cost 0.04 accuracy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.tokenize import Word, tagged_words
from service.answer_types import (
    ORGANIZATION_HEADS,
    AnswerType,
    classify_question,
    is_interrogative,
    noun_runs,
    organization_spans,
    person_spans,
    place_spans,
    type_of_head,
)

DEMONSTRATIVES = {"その", "この", "あの", "当該", "同"}
PERSON_PRONOUNS = {"彼", "彼女", "同氏", "その人", "この人", "あの人"}
PLACE_PRONOUNS = {"そこ", "ここ", "あそこ", "同国", "同地"}
ENGLISH_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
# Words that point back at what was said without naming it (それ, そうなっている).
POINTING_BACK = {"それ", "これ", "あれ", "そう", "こう"}
# Nouns that name nothing of a topic (そうなっている事, 何の為).
EMPTY_NOUNS = {"事", "こと", "物", "もの", "の", "何", "為", "ため"}


@dataclass(frozen=True)
class Turn:
    """One turn of a conversation (re-exported by service.chain)."""

    role: str  # "user" | "assistant"
    content: str


def _latest_compound_with_head(head: str, texts: list[str]) -> str | None:
    """The longest noun compound ending in `head` in the most recent text that has one."""
    for text in texts:
        words = tagged_words(text)
        matches = []
        for run in noun_runs(words):
            phrase = text[run[0].start:run[-1].end]
            if phrase.endswith(head) and len(phrase) > len(head):
                matches.append(phrase)
        if matches:
            return max(matches, key=len)
    return None


def _topic_of(history: list[Turn]) -> str | None:
    """What the last question was about: its first noun compound (ワグネル in "ワグネルの反乱について教えて")."""
    for turn in reversed(history):
        if turn.role == "user":
            runs = noun_runs(tagged_words(turn.content))
            return turn.content[runs[0][0].start:runs[0][-1].end] if runs else None
    return None


def _latest_span(texts: list[str], kind: AnswerType) -> str | None:
    finders = {AnswerType.PERSON: person_spans, AnswerType.PLACE: place_spans,
               AnswerType.ORGANIZATION: organization_spans}
    for text in texts:
        words = tagged_words(text)
        # A bare category noun (部隊, 政府) names no particular body.
        spans = [span for span in finders[kind](words, text) if span.text not in ORGANIZATION_HEADS]
        if spans:
            return spans[0].text
    return None


def resolve_references(question: str, history: list[Turn], language: str) -> str:
    """`question` with its references to earlier turns spelled out; unchanged when it has none or when the
    conversation offers nothing to resolve them to."""
    if not history:
        return question
    # Most recent first: the last answer, then the last question, then older turns.
    texts = [turn.content for turn in reversed(history[-4:])]
    if language == "en":
        return _resolve_english(question, history, texts)
    words = tagged_words(question)
    pieces: list[str] = []
    cursor = 0
    i = 0
    while i < len(words):
        word = words[i]
        replacement: str | None = None
        consumed = 1
        if word.surface in DEMONSTRATIVES and word.pos1 in ("連体詞", "接頭辞"):
            run: list[Word] = []
            j = i + 1
            while j < len(words) and words[j].pos1 in ("名詞", "接尾辞") and words[j].pos2 != "代名詞":
                run.append(words[j])
                j += 1
            if run:
                noun = question[run[0].start:run[-1].end]
                if noun in ("国",) or noun.endswith("国") and len(noun) <= 2:
                    replacement = _latest_span(texts, AnswerType.PLACE)
                elif noun in ("人", "氏", "人物", "大統領", "首相", "外相", "大臣"):
                    person = _latest_span(texts, AnswerType.PERSON)
                    replacement = f"{person}{noun}" if person and noun not in ("人", "氏", "人物") else person
                else:
                    replacement = _latest_compound_with_head(noun, texts)
                    if replacement is None and type_of_head(noun) == AnswerType.ORGANIZATION:
                        # そのグループ after "ワグネルの反乱について": a group the dictionary does not know as one is
                        # named by what the last question was about.
                        replacement = _latest_span(texts, AnswerType.ORGANIZATION) or _topic_of(history)
                if replacement is not None:
                    consumed = 1 + len(run)
        elif word.surface in PERSON_PRONOUNS or (word.pos1 == "代名詞" and word.surface in ("彼", "彼女")):
            replacement = _latest_span(texts, AnswerType.PERSON)
        elif word.surface in PLACE_PRONOUNS and not _is_conjunction(words, i):
            replacement = _latest_span(texts, AnswerType.PLACE)
        if replacement:
            last = words[i + consumed - 1]
            pieces.append(question[cursor:word.start])
            pieces.append(replacement)
            cursor = last.end
        i += consumed
    pieces.append(question[cursor:])
    return _with_asked_part("".join(pieces), history)


def _is_conjunction(words: Sequence[Word], i: int) -> bool:
    """Whether そこ opens the question as part of the conjunction そこで, "so / then" (そこで、次の会合はどこで？),
    rather than as "at that place": first, and followed by で and a comma."""
    return (i == 0 and i + 2 < len(words) and words[i + 1].surface == "で"
            and words[i + 2].surface in ("、", "，", ","))


# An elliptic follow-up: a fragment with its case particle and nothing asked (じゃあ韓国からは？, 5月には？). A topic
# that is a noun phrase of its own (日本からの輸出額は？) asks about that noun, and is left as it is.
ELLIPTIC = re.compile(r"^(?:じゃあ|じゃ|では|それでは|なら|で)?、?(.{1,24}?(?:から|で|に|へ|と|まで|より))"
                      r"(?:は|って)[？?]?$")


def _with_asked_part(question: str, history: list[Turn]) -> str:
    """An elliptic follow-up asks what the last question asked, of another topic: "じゃあ韓国からは？" after
    "中国からの訪日者数は何人？" is "じゃあ韓国からは何人？". Unchanged when the question asks something itself or no
    earlier question asked for a span."""
    match = ELLIPTIC.match(question.strip())
    if not match or any(is_interrogative(w) for w in tagged_words(question)):
        return question
    previous = next((turn.content for turn in reversed(history) if turn.role == "user"), None)
    if previous is None or not classify_question(previous, "ja").wants_span:
        return question
    words = tagged_words(previous)
    wh = next((w for w in words if is_interrogative(w)), None)
    if wh is None:
        return question
    return question.strip().rstrip("？?") + previous[wh.start:]


def _resolve_english(question: str, history: list[Turn], texts: list[str]) -> str:
    """English questions keep their words (the wh-word types them); what a pronoun refers to is added in
    brackets, in the Japanese of the documents, so that search and the answerer see it."""
    lowered = {w.strip("?,.!").lower() for w in question.split()}
    referent: str | None = None
    if lowered & ENGLISH_PERSON_PRONOUNS:
        referent = _latest_span(texts, AnswerType.PERSON)
    return f"{question} ({referent})" if referent else question


def only_points_back(question: str, language: str) -> bool:
    """Whether a (resolved) Japanese question points back at what was said and names nothing of its own
    ("そうなっているのはなぜ？", "それはいつ？"): all it is about is in the conversation. "それに日本はどう対応した？"
    names 日本 and 対応, so it does not."""
    if language != "ja":
        return False
    words = tagged_words(question)
    own = [w for w in words if w.pos1 == "名詞" and w.pos2 != "代名詞" and w.surface not in POINTING_BACK
           and (w.lemma or w.surface) not in EMPTY_NOUNS and w.surface not in EMPTY_NOUNS]
    return any(w.surface in POINTING_BACK for w in words) and not own
