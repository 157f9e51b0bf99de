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
from service.answer_types import _counter_key, nfkc, noun_runs, number_spans

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
    "signing": ("署名", "調印", "締結"),
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
    return frozenset(found)


def other_stage(question_stages: frozenset[str], sentence: str) -> bool:
    """Whether `sentence` names stages, none of them one the question asks about."""
    if not question_stages:
        return False
    stated = stages(sentence)
    return bool(stated) and not stated & question_stages
