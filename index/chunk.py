"""Split cleaned documents into passages on Japanese sentence boundaries, never across sections."""

from __future__ import annotations

from dataclasses import dataclass

from index.clean import Block, CleanDocument

SENTENCE_TERMINATORS = "。！？!?"
CLOSING_BRACKETS = "」』）)】〕"
OPENING_BRACKETS = "「『（(【〔"
# Kinds of block that are passages on their own, whatever their size.
STANDALONE_KINDS = {"footnote", "caption", "figure_note"}


@dataclass(frozen=True)
class Span:
    """A sentence as a [start, end) range of the cleaned document text."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A retrievable unit: consecutive sentences of one section, with its exact span in the document."""

    passage_id: str
    doc_id: str
    title: str
    section_path: tuple[str, ...]
    kind: str
    text: str
    start: int
    end: int
    year: int | None = None  # of the document
    page: int | None = None  # 1-based page of a PDF where the passage starts; None for other formats
    page_label: str | None = None  # the page number printed on that page, when it prints one

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)


@dataclass(frozen=True)
class ChunkingParams:
    """How passages are cut; recorded in the index manifest."""

    target_chars: int = 300
    overlap_sentences: int = 1

    def __post_init__(self) -> None:
        if self.target_chars < 50:
            raise ValueError(f"target_chars must be >= 50, got {self.target_chars}")
        if self.overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be >= 0, got {self.overlap_sentences}")


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of `text` (shifted by `offset`): cut after 。！？ and the closing brackets that follow,
    but not inside brackets, so 「…。」 and （…除く。） stay whole."""
    spans: list[Span] = []
    depth = 0
    start = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in OPENING_BRACKETS:
            depth += 1
        elif char in CLOSING_BRACKETS:
            depth = max(0, depth - 1)
        elif char == "\n" and index + 1 < length and text[index + 1] == "\n":
            # a paragraph break always ends a sentence
            if text[start:index].strip():
                spans.append(Span(start, index))
            depth = 0
            index += 2
            start = index
            continue
        if char in SENTENCE_TERMINATORS and depth == 0:
            end = index + 1
            while end < length and (text[end] in CLOSING_BRACKETS or text[end] in SENTENCE_TERMINATORS):
                end += 1
            spans.append(Span(start, end))
            start = end
            index = end
            continue
        index += 1
    if text[start:].strip():
        spans.append(Span(start, length))
    result = []
    for span in spans:  # trim whitespace so every span starts and ends on text
        s, e = span.start, span.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append(Span(s + offset, e + offset))
    return result


def _group_sentences(sentences: list[Span], params: ChunkingParams) -> list[tuple[int, int]]:
    """Greedy windows of sentence indexes [first, last] of about target_chars, overlapping by sentences."""
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last = first
        while (last + 1 < len(sentences)
               and sentences[last + 1].end - sentences[first].start <= params.target_chars):
            last += 1
        groups.append((first, last))
        if last + 1 >= len(sentences):
            break
        first = max(last + 1 - params.overlap_sentences, first + 1)
    return groups


def chunk_document(document: CleanDocument, params: ChunkingParams) -> list[Passage]:
    """Cut one cleaned document into passages."""
    passages: list[Passage] = []

    def add(kind: str, section_path: tuple[str, ...], start: int, end: int) -> None:
        passages.append(Passage(
            passage_id=f"{document.doc_id}:p{len(passages):03d}", doc_id=document.doc_id, title=document.title,
            section_path=section_path, kind=kind, text=document.text[start:end], start=start, end=end))

    run: list[Block] = []

    def flush_run() -> None:
        if not run:
            return
        sentences = [s for block in run for s in split_sentences(block.text, block.start)]
        for first, last in _group_sentences(sentences, params):
            add(run[0].kind, run[0].section_path, sentences[first].start, sentences[last].end)
        run.clear()

    for block in document.blocks:
        if block.kind in ("title", "heading"):
            flush_run()
            continue
        if block.kind in STANDALONE_KINDS:
            # A footnote or caption sits between paragraphs in the text: a passage spanning it would swallow it.
            flush_run()
            add(block.kind, block.section_path, block.start, block.end)
            continue
        if run and run[-1].section_path != block.section_path:
            flush_run()
        run.append(block)
    flush_run()
    return passages


def sentences_of(passage: Passage) -> list[Span]:
    """Sentence spans (document offsets) inside a passage."""
    return split_sentences(passage.text, passage.start)
