"""The default answerer: extractive, offline, no LLM. Picks the sentences that answer, cites them verbatim."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from index.chunk import Span, sentences_of
from index.retrieve import RetrievedPassage
from index.store import SearchIndex
from index.tokenize import content_tokens

ABSTAIN_MESSAGES = {
    "ja": "資料には該当する記述が見当たりません。",
    "en": "The documents do not contain information that answers this question.",
}
# Questions that ask for a figure; an answer without a new number does not answer them.
NUMERIC_QUESTION = re.compile(
    r"(いくら|何人|何か国|何カ国|何ヶ国|何%|何％|何パーセント|何倍|何年|何月|何日|何回|何発|何万|何億|どのくらい|どれくらい|"
    r"どれほど|金額|割合|人数|規模|how many|how much|what percentage|what share|how long|what year|which year)",
    re.IGNORECASE)
# What a question asks for, and what an answer to it must contain: "何％" wants a percentage, "何日" a day.
# An answer sentence about the right topic but without such a figure is the near miss that must abstain.
QUESTION_FOCUS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"何\s*[%％]|何パーセント|得票率|what percentage|percent|\brate\b", re.IGNORECASE),
     re.compile(r"\d\s*[%％]")),
    (re.compile(r"何日|何月何日|what date|which day", re.IGNORECASE), re.compile(r"\d+日")),
    (re.compile(r"何発"), re.compile(r"\d+\s*発")),
    (re.compile(r"何人|how many people", re.IGNORECASE), re.compile(r"\d[\d,]*\s*[万千百]?\s*人")),
    (re.compile(r"何回"), re.compile(r"\d+\s*回")),
    (re.compile(r"何か国|何カ国|何ヶ国|how many countries", re.IGNORECASE), re.compile(r"\d+\s*[かカヶケ]国")),
    (re.compile(r"いくら|金額|how much money", re.IGNORECASE),
     re.compile(r"\d[\d,.]*\s*[兆億万千]?\s*(円|ドル|ユーロ|ルーブル)|倍|割|[%％]")),
    # "Who is X's president?" wants a person: a name before a title (not an office such as 首相府).
    (re.compile(r"誰|だれ|who\b|(大統領|首相|外相|代表|議長|大臣)の(名前|氏名)", re.IGNORECASE),
     re.compile(r"[ァ-ヴー・]{2,}[^。]{0,10}?(前|元|新)?(大統領|首相|外相|副首相|議長|代表|国務委員長|国家主席|総裁|長官|大臣|相)(?!府)"
                r"|[一-龥]{2,4}(総理大臣|外務大臣|国家主席|政務官|副大臣|大臣)|[一-龥]{1,4}氏")),
]
PERSON_FOCUS = QUESTION_FOCUS[-1][0]
YEAR = re.compile(r"(?:19|20)\d\d(?=年)|\b(?:19|20)\d\d\b")
NUMBER = re.compile(r"[0-9][0-9,.]*|[一二三四五六七八九十百千万]+(?=[年月日人回倍割か国つ以])")


@dataclass(frozen=True)
class Citation:
    number: int
    doc_id: str
    title: str
    section_path: tuple[str, ...]
    passage_id: str
    quote: str
    start: int  # character span of the quote in the cleaned document text
    end: int
    year: int | None = None  # of the document
    page: int | None = None  # 1-based PDF page where the quote starts; None outside PDFs
    page_label: str | None = None  # the page number printed on that page


def document_fields(index: SearchIndex, doc_id: str, start: int) -> dict[str, int | str | None]:
    """The citation fields that come from the document: its year, and the page of a quote starting at `start`."""
    document = index.documents[doc_id]
    page, page_label = document.page_at(start)
    return {"year": document.year, "page": page, "page_label": page_label}


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    abstained: bool
    language: str
    passages: list[RetrievedPassage] = field(default_factory=list)
    abstain_reason: str | None = None
    unverified_claims: list[str] = field(default_factory=list)
    answered_by: str = "extractive"
    fallback_reason: str | None = None


@dataclass(frozen=True)
class ScoredSentence:
    passage_rank: int
    retrieved: RetrievedPassage
    span: Span
    text: str
    similarity: float
    coverage: float
    score: float


@dataclass(frozen=True)
class AnswerParams:
    passages: int = 4
    max_sentences: int = 2
    min_similarity: float = 0.44
    max_unknown_terms: float = 0.5
    coverage_weight: float = 0.3
    rank_weight: float = 0.05
    second_sentence_margin: float = 0.04
    full_coverage: float = 0.8
    context_term_weight: float = 0.3
    repeat_penalty: float = 0.2
    coverage_slack: float = 0.12

    def __post_init__(self) -> None:
        if self.passages < 1:
            raise ValueError(f"passages must be >= 1, got {self.passages}")
        if self.max_sentences < 1:
            raise ValueError(f"max_sentences must be >= 1, got {self.max_sentences}")


def verify_citation(index: SearchIndex, citation: Citation) -> bool:
    """A citation stands only if its quote is verbatim in its passage and at its span in the document."""
    passage = index.passage_by_id(citation.passage_id)
    document = index.documents.get(citation.doc_id)
    if passage is None or document is None or not citation.quote:
        return False
    return (citation.quote in passage.text and passage.start <= citation.start < citation.end <= passage.end
            and document.text[citation.start:citation.end] == citation.quote)


class ExtractiveAnswerer:
    """Composes a short answer from the retrieved passages' best sentences, with [n] markers."""

    def __init__(self, index: SearchIndex, params: AnswerParams | None = None) -> None:
        self.index = index
        self.params = params or AnswerParams()
        idf = index.bm25.idf
        self._max_idf = max(idf.values()) if idf else 1.0

    def _idf(self, term: str) -> float:
        return self.index.bm25.idf.get(term, self._max_idf)

    def unknown_term_share(self, question_terms: list[str]) -> float:
        """Idf-weighted share of the question's content words that occur nowhere in the corpus."""
        if not question_terms:
            return 0.0
        vocabulary = self.index.bm25.idf
        total = sum(self._idf(t) for t in set(question_terms))
        missing = sum(self._idf(t) for t in set(question_terms) if t not in vocabulary)
        return missing / total if total else 0.0

    def score_sentences(self, question_terms: list[str], query_vector: np.ndarray,
                        retrieved: list[RetrievedPassage], context_terms: list[str] | None = None,
                        already_said: str = "") -> list[ScoredSentence]:
        params = self.params
        said_terms = set(content_tokens(already_said)) if already_said else set()
        # Words of earlier turns say what a follow-up is about, but the new question says what it asks.
        weights = {t: self._idf(t) * params.context_term_weight for t in context_terms or []}
        weights.update({t: self._idf(t) for t in question_terms})
        terms = set(weights)
        weight_total = sum(weights.values())
        scored = []
        for rank, item in enumerate(retrieved[: params.passages], start=1):
            document = self.index.documents[item.passage.doc_id]
            for span in sentences_of(item.passage):
                row = self.index.sentence_row.get((item.passage.doc_id, span.start, span.end))
                if row is None:
                    continue
                similarity = float(np.dot(self.index.sentence_vectors[row], query_vector))
                text = document.text[span.start:span.end]
                if terms and weight_total:
                    present = set(content_tokens(f"{' '.join(item.passage.section_path)} {text}"))
                    coverage = sum(weights[t] for t in terms & present) / weight_total
                else:
                    coverage = 0.0
                score = similarity + params.coverage_weight * coverage + params.rank_weight / rank
                if said_terms:
                    # A follow-up asks for something new: what the last answer already said is worth less.
                    own = set(content_tokens(text))
                    score -= params.repeat_penalty * (len(own & said_terms) / len(own) if own else 0.0)
                scored.append(ScoredSentence(rank, item, span, text, similarity, coverage, score))
        scored.sort(key=lambda s: -s.score)
        return scored

    def answer(self, question: str, language: str, query_vector: np.ndarray,
               retrieved: list[RetrievedPassage], *, context: str = "", already_said: str = "") -> Answer:
        """Answer `question` from `retrieved`; `context` (earlier questions) says what a follow-up is about and
        `already_said` (the previous answer) what it no longer needs."""
        params = self.params
        question_terms = content_tokens(question) if language == "ja" else []
        context_terms = content_tokens(context) if language == "ja" and context else []
        scored = self.score_sentences(question_terms, query_vector, retrieved, context_terms, already_said)
        if not scored:
            return self.abstain(language, retrieved, "no passage was retrieved")
        best = scored[0]
        # A long sentence about several things scores low on similarity even when it names exactly what was
        # asked ("プリゴジンはどうなった？"), so a sentence that covers the question's words gets some slack.
        floor = params.min_similarity - (params.coverage_slack if best.coverage >= params.full_coverage else 0.0)
        if best.similarity < floor:
            return self.abstain(language, retrieved, f"best sentence similarity {best.similarity:.2f} "
                                                     f"is below {floor:.2f}")
        unknown = self.unknown_term_share(question_terms + context_terms)
        if unknown > params.max_unknown_terms:
            return self.abstain(language, retrieved, f"{unknown:.0%} of the question's key words occur nowhere "
                                                     "in the documents")
        chosen = [best]
        for candidate in scored[1:]:
            if len(chosen) >= params.max_sentences:
                break
            if candidate.score < best.score - params.second_sentence_margin:
                break
            if any(candidate.text == c.text for c in chosen):
                continue
            chosen.append(candidate)
        if NUMERIC_QUESTION.search(question) and not gives_new_number(question, [c.text for c in chosen]):
            return self.abstain(language, retrieved, "the question asks for a figure and no retrieved sentence "
                                                     "gives one")
        missing_focus = unanswered_focus(question, [c.text for c in chosen])
        if missing_focus:
            return self.abstain(language, retrieved, f"the question asks for {missing_focus} and the retrieved "
                                                     "sentences do not state one")
        chosen.sort(key=lambda s: (s.retrieved.passage.doc_id, s.span.start))
        citations = []
        for number, sentence in enumerate(chosen, start=1):
            passage = sentence.retrieved.passage
            citation = Citation(number=number, doc_id=passage.doc_id, title=passage.title,
                                section_path=passage.section_path, passage_id=passage.passage_id,
                                quote=sentence.text, start=sentence.span.start, end=sentence.span.end,
                                **document_fields(self.index, passage.doc_id, sentence.span.start))
            if verify_citation(self.index, citation):
                citations.append(citation)
        if not citations:
            return self.abstain(language, retrieved, "no quote could be verified against its passage")
        citations = [Citation(**{**c.__dict__, "number": n}) for n, c in enumerate(citations, start=1)]
        return Answer(answer=compose_answer(language, citations), citations=citations, abstained=False,
                      language=language, passages=retrieved)

    def abstain(self, language: str, retrieved: list[RetrievedPassage], reason: str) -> Answer:
        return Answer(answer=ABSTAIN_MESSAGES.get(language, ABSTAIN_MESSAGES["en"]), citations=[], abstained=True,
                      language=language, passages=retrieved, abstain_reason=reason)


def unanswered_focus(question: str, sentences: list[str]) -> str | None:
    """What the question asks for (a percentage, a date, a person…) when no sentence states such a thing.
    A figure asked for a named year must be stated together with that year: "2023年の成長率" is not answered
    by "2022年の実質GDP成長率は1.2%減". This costs a few answers whose year is only implied by the chapter
    (measured: 1 of 98 answerable questions) and is right for a service that must not mislead."""
    question = unicodedata.normalize("NFKC", question)
    normalised = [unicodedata.normalize("NFKC", s) for s in sentences]
    years = set(YEAR.findall(question))
    for asks, answer_shape in QUESTION_FOCUS:
        found = asks.search(question)
        if not found:
            continue
        needs_year = bool(years) and asks is not PERSON_FOCUS
        if not any(answer_shape.search(s) and (not needs_year or years <= set(YEAR.findall(s))) for s in normalised):
            return f"'{found.group()}'" + (f" in {', '.join(sorted(years))}" if needs_year else "")
    return None


def gives_new_number(question: str, sentences: list[str]) -> bool:
    """True when the sentences state a number the question did not already contain ("サハリン2" is a name)."""
    asked = set(NUMBER.findall(unicodedata.normalize("NFKC", question)))
    return any(set(NUMBER.findall(unicodedata.normalize("NFKC", s))) - asked for s in sentences)


def compose_answer(language: str, citations: list[Citation]) -> str:
    """The answer text: the quoted sentences, each followed by its [n] marker."""
    if language == "ja":
        return "".join(f"{c.quote}[{c.number}]" for c in citations)
    quoted = " ".join(f"「{c.quote}」[{c.number}]" for c in citations)
    return f"The documents say (quoted in the original Japanese): {quoted}"
