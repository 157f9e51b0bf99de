"""What a question states that its answer must agree with: the figures it names, and the stage of an agreement
or a law it asks about.

"第1回会合はいつ開かれた？" is not answered by a sentence about the 第2回会合, nor "8月の会談で…" by one about a
会談 in 10月: the question fixes a figure, and a sentence stating another figure of the same kind (and not the
question's) speaks of another event. A sentence stating no figure of that kind neither agrees nor disagrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.tokenize import tagged_words
from service.answer_types import COUNTRY_ABBREVIATIONS, _counter_key, nfkc, noun_runs, number_spans

# How a figure's kind is told apart: a year (2023年) from a duration (3年間, 4年ぶり); an ordinal (第2回, 2回目)
# from a count (2回).
ORDINAL_PREFIX = "第"
ORDINAL_SUFFIX = "目"
INTERVAL_SUFFIXES = ("ぶり", "振り", "間")


# Words that make something the first of its kind (最初の会合, 初の訪日, 初めて開催): the ordinal 1.
FIRST_TIME = re.compile(r"最初の|初回|初めて|初の|第一回")


@dataclass(frozen=True)
class Figure:
    kind: str  # what is counted, and how: "年:year", "回:ordinal", "箇国:count", "月:count"
    value: str  # the digits, without separators

    def __str__(self) -> str:
        return f"{self.value} ({self.kind})"


def figures(text: str) -> frozenset[Figure]:
    """The figures of `text` written in digits, each with the kind of thing it counts."""
    found: set[Figure] = set()
    for span in number_spans(tagged_words(text), text):
        if span.counter is None:
            continue
        digits = re.sub(r"[,，]", "", nfkc(span.text))
        match = re.search(r"\d+(?:\.\d+)?", digits)
        if match is None:
            continue
        value = match.group()
        counter = _counter_key(span.counter)
        after = digits[match.end():]
        if counter == "年" and len(value) == 4 and not after.startswith(("年間", "年ぶり", "年振り")):
            manner = "year"
        elif digits.startswith(ORDINAL_PREFIX) or after.endswith(ORDINAL_SUFFIX):
            manner = "ordinal"
        elif any(after.endswith(s) or f"{nfkc(span.counter)}{s}" in after for s in INTERVAL_SUFFIXES):
            manner = "interval"
        else:
            manner = "count"
        found.add(Figure(f"{counter}:{manner}", value))
    if FIRST_TIME.search(text):
        # 最初のサミット / 初の訪日 is the 1st: a sentence about the 2回目 of it speaks of another one
        found.add(Figure("回:ordinal", "1"))
    return frozenset(found)


# English ordinals of an event (the first Russia-Africa summit, the 12th Tokyo Dialogue): the text writes them 第N回 or
# N回目. Only an ordinal that counts meetings or visits: "third term" is a 期, "first deputy minister" a title.
ENGLISH_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                         "eighth": 8, "ninth": 9, "tenth": 10}
ENGLISH_EVENT_ORDINAL = re.compile(
    r"\b(" + "|".join(ENGLISH_ORDINAL_WORDS) + r"|\d+(?:st|nd|rd|th))\b(?:\s+[\w'+-]+){0,4}?\s+(?:meetings?|summits?|"
    r"sessions?|rounds?|dialogues?|forums?|conferences?|talks|consultations?|visits?|trips?)\b", re.IGNORECASE)
ENGLISH_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                        "ten": 10}
# "the first summit in four years": the interval since the last one, as 4年ぶり says it.
ENGLISH_INTERVAL = re.compile(r"\bfirst\b[^.?;]{0,60}?\bin\s+(\d+|" + "|".join(ENGLISH_NUMBER_WORDS) + r")\s+years\b",
                              re.IGNORECASE)


def english_figures(question: str) -> frozenset[Figure]:
    """The ordinals of events an English question names, and the interval of a "first in N years", as `figures`
    gives them for a Japanese one."""
    found = set()
    for match in ENGLISH_EVENT_ORDINAL.finditer(question):
        word = match.group(1).lower()
        found.add(Figure("回:ordinal", str(ENGLISH_ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word)))))
    for match in ENGLISH_INTERVAL.finditer(question):
        word = match.group(1).lower()
        found.add(Figure("年:interval", str(ENGLISH_NUMBER_WORDS.get(word) or word)))
    # Months, as a Japanese question's 10月 gives them: a month is written with a capital ("may" in lower case is a
    # verb, and so is a question's first word). Days are left out: a stretch (19日から21日) states no 20.
    for match in ENGLISH_MONTH.finditer(question):
        found.add(Figure("月:count", str(MONTH_NUMBERS[match.group(1).lower()])))
    return frozenset(found)


MONTH_NUMBERS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}
ENGLISH_MONTH = re.compile(r"(?<!^)\b(" + "|".join(name.capitalize() for name in MONTH_NUMBERS) + r")\b")


def contradicted(question_figures: frozenset[Figure], sentence: str) -> list[Figure]:
    """The question's figures that `sentence` contradicts: it states figures of the same kind, none of them one the
    question names ("2023年から2024年にかけて" is agreed with by a sentence naming either year)."""
    if not question_figures:
        return []
    stated: dict[str, set[str]] = {}
    for figure in figures(sentence):
        stated.setdefault(figure.kind, set()).add(figure.value)
    asked: dict[str, set[str]] = {}
    for figure in question_figures:
        asked.setdefault(figure.kind, set()).add(figure.value)
    return sorted((f for f in question_figures if f.kind in stated and not asked[f.kind] & stated[f.kind]),
                  key=str)


# The stages an agreement or a law goes through, each with the words that name it. "租税条約はいつ署名された" is not
# answered by the sentence saying when it entered into force, nor by the one saying when its negotiation began: a
# sentence naming only other stages of it speaks of another event. A stage counts where it is the head of its
# compound (締結交渉 is a negotiation, not a conclusion).
STAGES: dict[str, tuple[str, ...]] = {
    "signing": ("署名", "調印", "締結", "サイン"),
    "entry into force": ("発効", "施行"),
    "ratification": ("批准",),
    "negotiation": ("交渉",),
    "agreement": ("合意", "妥結"),
    "adoption": ("採択", "可決", "成立"),
    "withdrawal": ("脱退", "離脱"),
    "accession": ("加盟", "加入"),
    "application": ("申請",),
    "suspension": ("停止",),
    "return": ("復帰",),
}
STAGE_OF = {word: stage for stage, words in STAGES.items() for word in words}


# Acts that undo or hold off a stage (批准を撤回, 署名の延期): the stage is then their object, not the event.
REVERSALS = ("撤回", "取り消す", "取消し", "取り消し", "中止", "延期", "破棄", "拒否", "凍結", "断念", "見送る",
             "見送り")


def stages(text: str) -> frozenset[str]:
    """The stages of an agreement or a law that `text` names as the head of a noun compound, unless it is the object
    of an act that undoes or holds it off (批准を撤回: the event is the withdrawal)."""
    words = tagged_words(text)
    found = set()
    for run in noun_runs(words):
        head = run[-1].lemma or run[-1].surface
        stage = STAGE_OF.get(nfkc(head)) or STAGE_OF.get(nfkc(run[-1].surface))
        if not stage:
            continue
        k = words.index(run[-1])
        after = words[k + 1:k + 3]
        if len(after) == 2 and after[0].surface in ("を", "の") and after[0].pos1 == "助詞" and (
                (after[1].lemma or after[1].surface) in REVERSALS or after[1].surface in REVERSALS):
            continue
        found.add(stage)
    if STAGE_PHRASES.search(nfkc(text)):
        found.add("entry into force")
    return frozenset(found)


# Entry into force said in words rather than with 発効 (効力を持つようになった, 効力が生じた).
STAGE_PHRASES = re.compile(r"効力(?:を|が)(?:持|有|生|発)")


# The stages an English question asks about, by the English words for them.
ENGLISH_STAGES = {
    "signing": r"sign(?:ed|ing|s)?",
    "entry into force": r"entered into force|enter into force|entry into force|took effect|take effect|came into "
                        r"effect",
    "ratification": r"ratif(?:ied|y|ication)",
    "negotiation": r"negotiat(?:ed|ions?|ing|e)",
    "adoption": r"adopt(?:ed|ion)",
    "withdrawal": r"withdr(?:ew|awn|awal|aw)|pull(?:ed)? out",
    "accession": r"join(?:ed|s)?|accession|acced(?:ed|e)|bec(?:a|o)me a member",
    "application": r"appl(?:ied|y|ication) (?:for|to)",
    "suspension": r"suspend(?:ed)?|suspension",
}


def english_stages(question: str) -> frozenset[str]:
    """The stages of an agreement or a membership an English question asks about (When was … signed? → signing)."""
    text = question.lower()
    return frozenset(stage for stage, pattern in ENGLISH_STAGES.items() if re.search(rf"\b(?:{pattern})\b", text))


def other_stage(question_stages: frozenset[str], sentence: str) -> bool:
    """Whether `sentence` names stages, none of them one the question asks about."""
    if not question_stages:
        return False
    stated = stages(sentence)
    return bool(stated) and not stated & question_stages


# Nouns for documents of which the documents name many instances, each by its own modifiers (平和条約, 租税条約,
# 共同声明): a sentence about another one does not speak of the one asked. (Events were tried too: 会議, サミット
# and 選挙 are paraphrased too freely, and rejected three answerable questions' evidence on check.)
INSTANCE_HEADS = ("条約", "協定", "宣言", "声明", "基金", "法律", "計画", "構想")


def named_things(text: str) -> dict[str, set[frozenset[str]]]:
    """The things `text` names by a compound of modifiers and a common-noun head (租税条約, 平和条約, 議長国): for
    each head, the sets of words that modify it. A bare head (条約) names no particular one."""
    things: dict[str, set[frozenset[str]]] = {}
    for run in noun_runs(tagged_words(text)):
        head = run[-1]
        if nfkc(head.lemma or head.surface) not in INSTANCE_HEADS and head.surface not in INSTANCE_HEADS:
            continue
        # Its own modifiers: common nouns (日・アゼルバイジャン租税条約 → 租税); the parties named are often the same
        # in a sentence about another of their agreements.
        modifiers = frozenset(nfkc(w.lemma or w.surface) for w in run[:-1]
                              if w.pos1 == "名詞" and not w.is_proper and not w.is_number and w.surface != "・")
        if modifiers:
            things.setdefault(nfkc(head.lemma or head.surface), set()).add(modifiers)
    return things


def parties(text: str) -> dict[str, set[frozenset[str]]]:
    """The places that a compound naming a thing of INSTANCE_HEADS names as its parties (日・ジョージア租税条約 →
    条約: {ジョージア}), Japan left out, for each head."""
    parties: dict[str, set[frozenset[str]]] = {}
    for run in noun_runs(tagged_words(text)):
        head = run[-1]
        if nfkc(head.lemma or head.surface) not in INSTANCE_HEADS and head.surface not in INSTANCE_HEADS:
            continue
        named = frozenset(w.surface for w in run[:-1] if w.pos3 == "地名" and w.surface != "日本")
        if named:
            parties.setdefault(nfkc(head.lemma or head.surface), set()).add(named)
    return parties


def other_parties(asked: dict[str, set[frozenset[str]]], sentence: str) -> bool:
    """Whether `sentence` names the thing asked about (`asked`: the question's `parties`) only between other
    countries: "日・ジョージア租税条約" is not answered by a sentence on the 日・アゼルバイジャン租税条約 that
    never names Georgia."""
    if not asked:
        return False
    stated = parties(sentence)
    return any(head in stated and not any(a & b for a in named for b in stated[head])
               and not any(mentions(country, sentence) for a in named for country in a)
               for head, named in asked.items())


def other_instance(question_things: dict[str, set[frozenset[str]]], sentence: str) -> bool:
    """Whether `sentence` names only other things of a kind the question names one of: "租税条約はいつ署名" is not
    answered by a sentence about the 平和条約 (same head, no modifier in common)."""
    if not question_things:
        return False
    stated = named_things(sentence)
    # A modifier the sentence writes anywhere (an acronym in brackets, 欧州通常戦力（CFE）条約, or a word the compound
    # is paraphrased with) may still name the question's one.
    written = {nfkc(w.lemma or w.surface) for w in tagged_words(sentence)} | set(
        re.findall(r"[A-Za-z][A-Za-z0-9]+", nfkc(sentence)))
    for head, asked in question_things.items():
        if head in stated and not any(a & b for a in asked for b in stated[head]) and not any(a & written
                                                                                            for a in asked):
            return True
    return False


# A sentence's topic place at its start: (また、)ベラルーシ(国内)では、 / Xについては、
TOPIC_PLACE = re.compile(r"^(?:また、|さらに、|一方、|他方、)?([^\s、。はのに]{2,12}?)(?:国内|国民)?"
                         r"(?:では|については|において(?:は)?)、?")


def other_country_topic(question: str, sentence: str, asked: frozenset[str] | None = None) -> bool:
    """Whether `sentence` is about another country than the one a question sets its event in: "ロシアで大統領選挙が
    行われるのはいつ" is not answered by "ベラルーシ国内では、…2025年には大統領選挙を控えて" (its topic, ベラルーシ,
    is another country, and it never names ロシア). `asked`: the countries an English question names, as the text
    writes them."""
    asked = asked if asked is not None else {w.surface for w in tagged_words(question) if w.pos4 == "国"}
    if not asked:
        return False
    match = TOPIC_PLACE.match(sentence)
    if not match:
        return False
    topic = [w for w in tagged_words(match.group(1)) if w.pos4 == "国"]
    return bool(topic) and not any(w.surface in asked for w in topic) and not any(a in sentence for a in asked)


def asked_countries_ja(question: str) -> frozenset[str]:
    """The countries a Japanese question names, Japan left out: most questions are asked from Japan's side, and
    the text leaves it implied ("8月に…租税条約が発効"). A country the tagger reads inside a longer katakana name
    (シナ in ハシナ首相) is none."""
    return frozenset(w.surface for w in tagged_words(question) if w.pos4 == "国" and w.surface != "日本"
                     and mentions(w.surface, question))


def names_an_asked_country(asked: frozenset[str], text: str) -> bool:
    """Whether `text` (a passage with its headings) names a country asked about, in full or abbreviated. One is
    enough: a question about two countries (アルメニアとトルクメニスタンでそれぞれ…) may be answered from two
    passages."""
    # (Written anywhere, even inside a longer katakana name: a passage on ポートスーダン is about Sudan.)
    return any(country in text or country in COUNTRY_ABBREVIATIONS and COUNTRY_ABBREVIATIONS[country] in text
               for country in asked)


def mentions(name: str, text: str) -> bool:
    """Whether `text` names `name` as a word of its own: a katakana name inside a longer katakana word is another
    name (トンガ in ラロトンガ, ギニア in パプアニューギニア)."""
    if not all("\u30a0" <= ch <= "\u30ff" for ch in name):
        return name in text
    return re.search(rf"(?<![\u30a1-\u30fa\u30fc]){re.escape(name)}(?![\u30a1-\u30fa\u30fc])", text) is not None
