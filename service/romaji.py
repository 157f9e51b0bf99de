"""Katakana spelled in Latin letters, and whether a Latin word sounds like a Japanese one.

An English question shares almost no words with the Japanese documents, but the names it mentions (Kazakhstan,
Meredov, Kamikawa) are written in the text in katakana, or have a katakana reading in the dictionary (上川 →
カミカワ). Spelling both as a consonant skeleton (Meredov → mrdh, メレドフ → mrdh) lets an English question point at
the words of a sentence it names, and keeps a name the question already says from being its answer.
"""

from __future__ import annotations

import difflib
import re

_BASIC = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so", "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te",
    "ト": "to", "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu",
    "ヘ": "he", "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya", "ユ": "yu",
    "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "ワ": "wa", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go", "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze",
    "ゾ": "zo", "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba", "ビ": "bi", "ブ": "bu",
    "ベ": "be", "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa",
}
_SMALL = {"ャ": "a", "ュ": "u", "ョ": "o", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def katakana_to_latin(text: str) -> str:
    """ヌルトレウ → nurutoreu, ジャパロフ → japarofu, ゲルディムィラドフ → gerudimuiradofu (roughly Hepburn)."""
    out: list[str] = []
    double = False
    for ch in text:
        if ch == "ッ":
            double = True
            continue
        if ch == "ー":
            continue  # a long vowel adds nothing to a consonant skeleton
        if ch in _SMALL and out:
            previous = out[-1]
            if ch in "ャュョ" and previous.endswith("i") and len(previous) > 1:
                # キャ → kya, シャ → sha, チャ → cha, ジャ → ja
                stem = previous[:-1]
                out[-1] = (stem if stem.endswith(("sh", "ch", "j")) else stem + "y") + _SMALL[ch]
            else:
                out[-1] = previous.rstrip("aiueo") + _SMALL[ch] if len(previous) > 1 else previous + _SMALL[ch]
            continue
        latin = _BASIC.get(ch, "")
        if double and latin:
            latin = latin[0] + latin
        double = False
        out.append(latin)
    return "".join(out)


def skeleton(latin: str) -> str:
    """A spelling-independent key: the first letter, then the consonants, with sounds Japanese spells alike merged
    (l/r, v/f/h, kh/h, c/k, z/s, sh/s, ch/t) and repeats collapsed. Meredov and メレドフ (meredofu) both give mrdh."""
    text = latin.lower()
    text = re.sub(r"[^a-z]", "", text)
    if not text:
        return ""
    for old, new in (("kh", "h"), ("ph", "h"), ("tch", "t"), ("ch", "t"), ("sh", "s"), ("ck", "k"), ("x", "ks"),
                     ("q", "k"), ("dzh", "j"), ("zh", "j"), ("tsu", "s"), ("ts", "s")):
        text = text.replace(old, new)
    text = re.sub(r"g(?=[eiy])", "j", text)  # Georgia → jeorjia
    text = re.sub(r"c(?=[eiy])", "s", text)
    text = text.replace("c", "k").replace("l", "r").replace("v", "f").replace("f", "h").replace("z", "s")
    first, rest = text[0], text[1:]
    consonants = re.sub(r"[aeiouyw]", "", rest)
    key = first + consonants
    return re.sub(r"(.)\1+", r"\1", key)


def sounds_alike(latin_word: str, katakana_latin: str) -> bool:
    """Whether an English word (Kazakh, Nurtleu) names what a katakana reading (kazafusutan, nurutoreu) does: equal
    skeletons, nearly equal ones, or one the start of the other (Kazakh and Kazakhstan, Turkmen and Turkmenistan)."""
    if "v" in latin_word.lower() and sounds_alike(re.sub("v", "b", latin_word.lower()), katakana_latin):
        return True  # Japanese writes a v as b as often as not (Vilnius → ビリニュス)
    a, b = skeleton(latin_word), skeleton(katakana_latin)
    if len(a) < 3 or len(b) < 3:
        return a == b and len(a) >= 2
    if a == b or (len(a) >= 3 and b.startswith(a)) or (len(b) >= 3 and a.startswith(b)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
