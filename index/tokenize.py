"""Japanese tokenisation for BM25 and lexical overlap: content-word lemmas from fugashi + unidic-lite."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞"}  # pronouns (彼, それ) point elsewhere
# Words so common in this genre (or in questions) that matching them says nothing about relevance.
STOP_LEMMAS = {
    "為る", "有る", "居る", "成る", "言う", "こと", "もの", "ため", "よう", "何", "誰", "いつ", "どこ", "どう",
    "どれ", "どの", "どんな", "幾ら", "幾つ", "教える", "下さる", "知る", "其れ", "此れ", "其の", "等", "的",
    "について", "ついて", "中", "上", "際", "方", "れる", "られる", "する", "ある", "いる", "なる",
    "つく", "付く", "対する", "関する", "名前", "名称", "内容", "理由", "具体", "場合", "特に",
}
LATIN_WORD = re.compile(r"[a-z0-9]+")


# One MeCab tagger per process, used by one thread at a time: a tagger reuses its lattice on every call, so the
# word nodes of one call are overwritten by the next, and two threads tagging at once would read each other's words.
# Tagging a question takes well under a millisecond, so a lock costs nothing measurable (one tagger per thread would
# hold a dictionary per worker thread).
_TAGGER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tagger():  # type: ignore[no-untyped-def]
    import fugashi  # imported lazily: MeCab's dictionary is loaded once, on first use

    return fugashi.Tagger()


def normalise(text: str) -> str:
    """NFKC and lower case: full-width and half-width forms compare equal."""
    return unicodedata.normalize("NFKC", text).lower()


def content_tokens(text: str) -> list[str]:
    """Lemmas of the content words of `text` (nouns, verbs, adjectives, names, numbers)."""
    return list(_content_tokens(text))


# A question is tagged by the retriever (BM25) and again by the answerer: remember recent texts (bounded).
@lru_cache(maxsize=4096)
def _content_tokens(text: str) -> tuple[str, ...]:
    text = normalise(text)
    with _TAGGER_LOCK:
        tagger = _tagger()  # made under the lock too, so two first callers cannot make two
        words = [(getattr(word.feature, "pos1", None), getattr(word.feature, "pos2", None),
                  getattr(word.feature, "lemma", None), word.surface) for word in tagger(text)]
    tokens: list[str] = []
    for pos, pos2, lemma, surface in words:
        if pos not in CONTENT_POS:
            continue
        if pos2 == "非自立可能":
            continue
        lemma = lemma or surface
        lemma = lemma.split("-", 1)[0] if not lemma.startswith("-") else lemma
        lemma = normalise(lemma)
        if lemma in STOP_LEMMAS or not lemma.strip():
            continue
        tokens.append(lemma)
    return tuple(tokens)


JAPANESE_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'ja' when Japanese script makes up a fair share of the letters, else 'en'."""
    text = unicodedata.normalize("NFKC", text)
    japanese = len(JAPANESE_CHAR.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    if japanese == 0 and latin == 0:
        return "ja"
    # Japanese characters carry several Latin letters' worth of meaning each.
    return "ja" if japanese * 3 >= latin else "en"


@dataclass(frozen=True)
class Word:
    """One token of a text with its part of speech (unidic) and its character span in that text."""

    surface: str
    pos1: str
    pos2: str
    pos3: str
    lemma: str | None  # None for words the dictionary does not know (many foreign names)
    start: int
    end: int
    pos4: str = ""  # 国 for a country among 固有名詞・地名 (米国・ニューヨーク: a country, then a city)

    @property
    def is_noun(self) -> bool:
        return self.pos1 in ("名詞", "接尾辞", "接頭辞") or self.pos1 == "代名詞"

    @property
    def is_proper(self) -> bool:
        return self.pos2 == "固有名詞"

    @property
    def is_number(self) -> bool:
        return self.pos2 == "数詞"

    @property
    def is_counter(self) -> bool:
        return self.pos3 == "助数詞可能" or self.pos3 == "助数詞" or (self.pos1 == "接尾辞" and self.pos2 == "名詞的")



def tagged_words(text: str) -> tuple[Word, ...]:
    """The words of `text` with their parts of speech and spans in `text` itself (not a normalised copy).
    The answerer reads the same retrieved sentences on every request, so recent texts are remembered (bounded);
    the words are frozen, so sharing them between threads is safe."""
    return _tagged_words(text)


@lru_cache(maxsize=4096)
def _tagged_words(text: str) -> tuple[Word, ...]:
    with _TAGGER_LOCK:  # the tagger's nodes are overwritten by its next call: read them under the lock
        raw = [(w.surface, w.feature.pos1, w.feature.pos2, w.feature.pos3, w.feature.lemma, w.feature.pos4)
               for w in _tagger()(text)]
    words: list[Word] = []
    cursor = 0
    for surface, pos1, pos2, pos3, lemma, pos4 in raw:
        start = text.find(surface, cursor)
        if start < 0:  # the tagger never changes characters, but never fail on an odd one
            start = cursor
        end = start + len(surface)
        cursor = end
        words.append(Word(surface, str(pos1 or ""), str(pos2 or ""), str(pos3 or ""),
                          lemma.split("-", 1)[0] if lemma else None, start, end, str(pos4 or "")))
    return tuple(words)
