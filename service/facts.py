"""The checkable facts of a sentence — numbers and dates, proper nouns, names with their titles — and which of a
generated claim's facts its supporting sentence does not state.

A generated sentence may only say what its quote says: a figure, a name or a role the quote lacks is invented
(or, for an English name, cannot be checked against Japanese text offline), so the claim is not cited.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from index.tokenize import Word, tagged_words

KANJI_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
                "八": "8", "九": "9"}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
ENGLISH_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ENGLISH_MONTHS = {name: str(number) for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
NUMERAL_RUN = re.compile(r"[0-9〇零一二三四五六七八九十百千万億兆][0-9〇零一二三四五六七八九十百千万億兆,.]*")
ENGLISH_SCALE_AFTER = re.compile(r"\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*(?:'s)?")
KATAKANA_WORD = re.compile(r"^[ァ-ヺー・]{2,}$")
# Closed-class English words: capitalised at the start of a sentence, they are not names.
FUNCTION_WORDS = frozenset("""a an the this that these those it its they their there here he she his her we our i
in on at by for from of to with within without after before during since until as and but or nor so yet if when
while where which who whom whose what why how also however moreover furthermore meanwhile then thus therefore
according about among between both each either neither all some many most several no not one other such than
is are was were be been has have had do does did will would shall should can could may might must""".split())
# Heads of role nouns: a name followed by a noun compound ending in one of these has that role ("メレドフ副首相兼外相").
ROLE_HEADS = ("大統領", "相", "大臣", "総理", "官", "長", "主席", "大使", "総裁", "王", "代表", "代行", "氏", "議員",
              "書記", "首脳", "元首", "皇太子", "特使", "顧問")
# What turns one role into another: "副首相" is not "首相", "前大統領" is not "大統領".
RANK_PREFIXES = ("副", "前", "元", "次期", "新", "次", "代理", "名誉")
ROLE_JOINERS = re.compile(r"兼|及び|・")
MAX_TITLE_TOKENS = 6


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def tokens_of(text: str) -> tuple[Word, ...]:
    """Words of (NFKC-normalised) `text` with their parts of speech and offsets, from the shared tagger."""
    return tagged_words(text)


def numeral_value(run: str) -> Decimal | None:
    """The value of a numeral written with digits, kanji digits and 十百千万億兆 ("1億4千万", "二〇二三", "9,999")."""
    run = "".join(KANJI_DIGITS.get(ch, ch) for ch in run.replace(",", ""))
    total = Decimal(0)
    section = Decimal(0)
    digits = ""
    try:
        for ch in run:
            if ch.isdigit() or ch == ".":
                digits += ch
                continue
            current = Decimal(digits) if digits else None
            digits = ""
            if ch in SMALL_UNITS:
                section += (current if current is not None else Decimal(1)) * SMALL_UNITS[ch]
            elif ch in LARGE_UNITS:
                amount = section + (current or 0)
                total += (amount if amount else Decimal(1)) * LARGE_UNITS[ch]
                section = Decimal(0)
        return total + section + (Decimal(digits) if digits else 0)
    except InvalidOperation:
        return None


def canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def trim_run(run: str) -> str:
    """A comma or point belongs to a numeral only between digits, and a comma only before a group of three."""
    kept = ""
    for i, ch in enumerate(run):
        if ch == ",":
            if not (kept and kept[-1].isdigit() and re.match(r"\d{3}(?!\d)", run[i + 1:])):
                break
        elif ch == "." and not (kept and kept[-1].isdigit() and i + 1 < len(run) and run[i + 1].isdigit()):
            break
        kept += ch
    return kept


def numbers_of(text: str, tokens: Sequence[Word] | None = None) -> set[str]:
    """The numbers `text` states, as canonical values: "9,999億" and "9999億" agree, "四千万" is 40000000, and an
    English month is its number ("June 2023" states 6 and 2023, as "2023年6月" does)."""
    text = normalise(text)
    tokens = tokens if tokens is not None else tokens_of(text)
    # Kanji numerals only where the tagger reads a numeral: "一方", "統一", "十分" state no number.
    numeral_chars = {i for t in tokens if t.pos2 == "数詞" for i in range(t.start, t.start + len(t.surface))}
    found: set[str] = set()
    for match in NUMERAL_RUN.finditer(text):
        run = trim_run(match.group())
        if not run:
            continue
        if not any(ch.isascii() and ch.isdigit() for ch in run):
            covered = ""
            for offset, ch in enumerate(run):
                if match.start() + offset not in numeral_chars:
                    break
                covered += ch
            run = covered
            if not any(ch in KANJI_DIGITS or ch in SMALL_UNITS for ch in run):
                continue
        value = numeral_value(run)
        if value is None:
            continue
        scale = ENGLISH_SCALE_AFTER.match(text, match.start() + len(run))
        if scale:
            value *= ENGLISH_SCALES[scale.group(1).lower()]
        found.add(canonical(value))
    for word in LATIN_WORD.findall(text):
        month = ENGLISH_MONTHS.get(word.lower())
        if month and (word[0].isupper() and word.lower() != "may" or word == "May"):
            found.add(month)
    return found


def is_name_token(token: Word) -> bool:
    if token.pos2 == "固有名詞":
        return True
    # Foreign names unidic does not know come out as katakana nouns without a lemma ("ミシュスチン"); known
    # loanwords ("エネルギー") are in the dictionary.
    return token.lemma is None and bool(KATAKANA_WORD.match(token.surface))


def japanese_names(tokens: Sequence[Word]) -> list[tuple[str, int]]:
    """Proper nouns (unidic 固有名詞: people, places, organisations; unknown katakana words), consecutive ones
    joined ("岸田文雄", "ジョー・バイデン"), each with the index of the token after it."""
    names: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        if not is_name_token(tokens[i]) or tokens[i].surface.isascii():
            i += 1
            continue
        name = tokens[i].surface
        j = i + 1
        while j < len(tokens):
            if is_name_token(tokens[j]) and not tokens[j].surface.isascii():
                name += tokens[j].surface
                j += 1
            elif tokens[j].surface == "・" and j + 1 < len(tokens) and is_name_token(tokens[j + 1]):
                name += "・" + tokens[j + 1].surface
                j += 2
            else:
                break
        names.append((name, j))
        i = j
    return names


def title_after(tokens: Sequence[Word], start: int) -> str | None:
    """The role noun compound right after a name ("副首相兼外相", "外務大臣", "前大統領"), if there is one."""
    title = ""
    for token in tokens[start:start + MAX_TITLE_TOKENS]:
        if token.pos1 in ("名詞", "接頭辞", "接尾辞") and token.pos2 not in ("固有名詞", "数詞") \
                and not token.surface.isascii():
            title += token.surface
        else:
            break
    roles = [role for role in ROLE_JOINERS.split(title) if role]
    return title if roles and all(role.endswith(ROLE_HEADS) for role in roles) else None


def latin_names(text: str) -> set[str]:
    """Capitalised Latin-script words and acronyms ("NATO", "Finland"); a capitalised function word opening a
    sentence is not a name, nor is a month (a month is a date, checked as a number)."""
    names = set()
    for match in LATIN_WORD.finditer(text):
        word = match.group().removesuffix("'s")
        lowered = word.lower()
        if not word[0].isupper() or lowered in ENGLISH_MONTHS or lowered in FUNCTION_WORDS:
            continue
        names.add(word)
    return names


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[str]
    names: frozenset[str]  # Japanese proper nouns and Latin names, NFKC
    titled: frozenset[tuple[str, str]]  # (name, role compound) as written together


def facts_of(text: str) -> Facts:
    text = normalise(text)
    tokens = tokens_of(text)
    names = japanese_names(tokens)
    titled = set()
    for name, after in names:
        title = title_after(tokens, after)
        if title:
            titled.add((name, title))
    return Facts(numbers=frozenset(numbers_of(text, tokens)),
                 names=frozenset({name for name, _ in names} | latin_names(text)), titled=frozenset(titled))


def role_matches(claimed: str, stated: str) -> bool:
    """"大臣" is a way to say "外務大臣"; "首相" is not "副首相", nor "外相" "外相代行"."""
    if claimed == stated:
        return True
    return stated.endswith(claimed) and not stated[: -len(claimed)].endswith(RANK_PREFIXES)


def title_holds(name: str, title: str, stated: frozenset[tuple[str, str]]) -> bool:
    claimed_roles = [role for role in ROLE_JOINERS.split(title) if role]
    for stated_name, stated_title in stated:
        if name != stated_name and name not in stated_name.split("・"):
            continue
        stated_roles = [role for role in ROLE_JOINERS.split(stated_title) if role]
        if all(any(role_matches(claimed, s) for s in stated_roles) for claimed in claimed_roles):
            return True
    return False


def missing_facts(claim: Facts, sentence: str, sentence_facts: Facts | None = None) -> list[str]:
    """What `claim` states that `sentence` does not: numbers, names, and names in a role the sentence does not
    give them. Empty when the sentence states all of it."""
    text = normalise(sentence)
    lowered = text.lower()
    facts = sentence_facts or facts_of(text)
    missing = [f"the number {n}" for n in sorted(claim.numbers - facts.numbers)]
    for name in sorted(claim.names):
        if name.isascii():
            if name.lower() not in lowered:
                missing.append(f"the name {name}")
        elif name not in text:
            missing.append(f"the name {name}")
    for name, title in sorted(claim.titled):
        if name in text and not title_holds(name, title, facts.titled):
            missing.append(f"{name} as {title}")
    return missing
