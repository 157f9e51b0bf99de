"""Turn a PDF-extracted chapter into clean text with a section tree and typed blocks.

What the extraction left, and what we do with it (see corpus/README.md):
- page numbers on lines of their own: dropped;
- sentences broken across lines and blank lines: joined, without a space between Japanese characters
  and with one between Latin words;
- footnote markers (¹ ² … ¹⁴) and ruby readings (金正恩^{キムジョンウン}): markers dropped, reading dropped,
  base text kept; footnote definition lines ("1 START : …") kept as their own blocks, attached to the
  section whose text referenced them;
- photo captions (a lone line after an image's blank lines), the column (コラム) and a diagram's notes
  (〈注〉, 〈略語解説〉): kept as blocks of their own kind;
- headings whose marker was lost ("1 ロシア外政" for "イ ロシア外政", "ロシア経済" with none): restored
  from the sequence of their siblings.
Every block records its character span in the cleaned text, which is what citations point into.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_TO_DIGIT = {ch: str(i) for i, ch in enumerate(SUPERSCRIPT_DIGITS)}
KATAKANA_MARKERS = "アイウエオカキクケコサシスセソタチツテト"

PAGE_NUMBER = re.compile(r"^\d{1,3}$")
RUBY = re.compile(r"\^\{[^}]*\}\s?")
FOOTNOTE_MARKER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
FOOTNOTE_DEFINITION = re.compile(rf"^(\d{{1,2}}|[{SUPERSCRIPT_DIGITS}]{{1,3}})\s+(\S.*)$")
LEVEL1_HEADING = re.compile(r"^(\d{1,2})\s+(\S.{0,30})$")
LEVEL2_HEADING = re.compile(r"^[(（]\s*(\d{1,2})\s*[)）]\s*(\S.{0,30})$")
LEVEL3_HEADING = re.compile(rf"^([{KATAKANA_MARKERS}])\s+(\S.{{0,30}})$")
FIGURE_NOTE_HEADER = re.compile(r"^〈[^〉]{1,12}〉$")
SENTENCE_END = "。！？!?"
COMPLETE_PARAGRAPH = re.compile(r"[。！？!?][」』）)]*$")
HEADING_PUNCTUATION = re.compile(r"[、。，,「」『』（）()：:・\d]")
SENTENCE_PUNCTUATION = re.compile(r"[、。，,「」『』：:]")
# A section's title may list its subjects with 、 (6 チリ、ペルー), so the next section's number with a short title
# takes it; other punctuation says a sentence or a footnote's gloss.
TITLE_LIST_LIMIT = 20


def titles_a_section(title: str, in_sequence: bool) -> bool:
    """Whether the text after a section number reads as a title rather than a sentence or a footnote's gloss: no
    sentence punctuation, except the 、 of a short title's list when the number is the next section's."""
    if in_sequence and len(title) <= TITLE_LIST_LIMIT:
        title = title.replace("、", "")
    return not SENTENCE_PUNCTUATION.search(title)


@dataclass
class Block:
    """A unit of cleaned text: a heading, a paragraph, a footnote, a caption, a figure note or a column paragraph."""

    kind: str  # "title" | "heading" | "paragraph" | "footnote" | "caption" | "figure_note"
    text: str
    section_path: tuple[str, ...]
    source_line: int
    start: int = 0
    end: int = 0
    # (offset in `text`, source line) where each joined line begins; empty means all of it is `source_line`.
    # A PDF's pages are lines of its text, so this is what tells a quote its page.
    line_starts: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class CleanDocument:
    """The cleaned text of one document and the blocks that tile it."""

    doc_id: str
    title: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    # (offset in `text`, source line), ascending: the text from each offset on came from that line.
    line_anchors: list[tuple[int, int]] = field(default_factory=list)

    def source_line_at(self, offset: int) -> int:
        """The source line the character at `offset` of the cleaned text came from."""
        line = self.line_anchors[0][1] if self.line_anchors else 0
        for start, source_line in self.line_anchors:
            if start > offset:
                break
            line = source_line
        return line


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of a broken sentence: a space only between two Latin words."""
    if not left:
        return right
    if not right:
        return left
    if is_latin(left[-1]) and is_latin(right[0]):
        return f"{left} {right}"
    return left + right


def strip_inline_artifacts(line: str) -> tuple[str, list[int]]:
    """Drop ruby readings and footnote markers; return the text and the footnote numbers it referenced."""
    line = RUBY.sub("", line)
    referenced = [int("".join(SUPERSCRIPT_TO_DIGIT[c] for c in m.group())) for m in FOOTNOTE_MARKER.finditer(line)]
    return FOOTNOTE_MARKER.sub("", line), referenced


def footnote_number(token: str) -> int:
    return int("".join(SUPERSCRIPT_TO_DIGIT.get(c, c) for c in token))


def is_complete(paragraph: str) -> bool:
    return bool(COMPLETE_PARAGRAPH.search(paragraph))


class _Cleaner:
    """One pass over the lines of a document; keeps the state the heuristics need."""

    def __init__(self, doc_id: str, raw_text: str) -> None:
        self.doc_id = doc_id
        self.lines = [unicodedata.normalize("NFC", line).rstrip() for line in raw_text.splitlines()]
        self.blocks: list[Block] = []
        self.title = ""
        self.level1: str | None = None
        self.level2: str | None = None
        self.level3: str | None = None
        self.level3_count = 0
        self.next_level1 = 1
        self.column: str | None = None
        self.figure: str | None = None
        self.pending: Block | None = None  # a paragraph that may continue on a later line
        self.footnote_sections: dict[int, tuple[str, ...]] = {}
        self.defined_footnotes: set[int] = set()

    # -- section bookkeeping -------------------------------------------------
    def section_path(self) -> tuple[str, ...]:
        if self.column:
            parts = ("コラム " + self.column,)
        else:
            parts = tuple(p for p in (self.level1, self.level2, self.level3) if p)
        if self.figure:
            parts = parts + ("図 " + self.figure,)
        return parts

    def set_level1(self, number: int, name: str) -> str:
        self.flush()
        self.level1, self.level2, self.level3 = f"{number} {name}", None, None
        self.next_level1 = number + 1
        self.column = self.figure = None
        return self.level1

    def set_level2(self, number: str, name: str) -> str:
        self.flush()
        self.level2, self.level3 = f"({number}) {name}", None
        self.level3_count = 0
        self.figure = None
        return self.level2

    def set_level3(self, name: str, marker: str | None = None) -> str:
        self.flush()
        if marker and marker in KATAKANA_MARKERS:
            self.level3_count = KATAKANA_MARKERS.index(marker) + 1
        else:  # the marker was lost in extraction: restore it from the previous sibling
            self.level3_count += 1
            marker = KATAKANA_MARKERS[min(self.level3_count, len(KATAKANA_MARKERS)) - 1]
        self.level3 = f"{marker} {name}"
        self.figure = None
        return self.level3

    # -- block emission ---------------------------------------------------------
    def emit(self, kind: str, text: str, line_no: int, section: tuple[str, ...] | None = None,
             references: list[int] | None = None) -> Block:
        for number in references or []:
            self.footnote_sections.setdefault(number, self.section_path())
        block = Block(kind=kind, text=text, section_path=section if section is not None else self.section_path(),
                      source_line=line_no)
        self.blocks.append(block)
        return block

    def flush(self) -> None:
        if self.pending is not None:
            self.blocks.append(self.pending)
            self.pending = None

    def add_text(self, text: str, line_no: int, referenced: list[int]) -> None:
        for number in referenced:
            self.footnote_sections.setdefault(number, self.section_path())
        if self.pending is not None and not is_complete(self.pending.text):
            if not self.pending.line_starts:
                self.pending.line_starts.append((0, self.pending.source_line))
            self.pending.text = join_fragments(self.pending.text, text)
            self.pending.line_starts.append((len(self.pending.text) - len(text), line_no))
            return
        self.flush()
        self.pending = Block(kind="paragraph", text=text, section_path=self.section_path(), source_line=line_no)

    # -- classification -------------------------------------------------------------
    def blank_lines_around(self, index: int) -> tuple[int, int]:
        before = 0
        i = index - 1
        while i >= 0 and not self.lines[i].strip():
            before, i = before + 1, i - 1
        after = 0
        i = index + 1
        while i < len(self.lines) and not self.lines[i].strip():
            after, i = after + 1, i + 1
        return before, after

    def pending_footnote(self, token: str) -> bool:
        number = footnote_number(token)
        return number in self.footnote_sections and number not in self.defined_footnotes

    def next_definition(self, line: str) -> bool:
        """Whether `line` defines another footnote referenced before and not defined yet ("2 RSF : …" right under
        "1 TICAD : …"), rather than continuing the one above."""
        definition = FOOTNOTE_DEFINITION.match(line)
        return definition is not None and self.pending_footnote(definition.group(1)) and not self.next_heading(line)

    def next_heading(self, line: str) -> bool:
        """Whether `line` reads as the next numbered section's heading ("2 日ASEAN関係") rather than the definition of
        a footnote of the same number referenced before it: short, with no punctuation (a footnote glosses an
        acronym with a colon or says a sentence), and the number the next section takes."""
        match = LEVEL1_HEADING.match(strip_inline_artifacts(line)[0].strip())
        return (match is not None and int(match.group(1)) == self.next_level1 and not self.column
                and len(match.group(2)) <= 20 and titles_a_section(match.group(2), in_sequence=True))

    def looks_like_bare_heading(self, line: str) -> bool:
        """A short line with no punctuation between complete paragraphs: a heading that lost its marker."""
        if len(line) > 15 or HEADING_PUNCTUATION.search(line) or is_complete(line):
            return False
        return self.pending is None or is_complete(self.pending.text)

    def run(self) -> CleanDocument:
        index = 0
        lines = self.lines
        while index < len(lines):
            raw = lines[index]
            line = raw.strip()
            if not line:
                index += 1
                continue
            before, after = self.blank_lines_around(index)

            # The chapter opens with its section number and title.
            if not self.title and not self.blocks and self.pending is None:
                if PAGE_NUMBER.match(line):
                    index += 1
                    continue
                self.title = line.lstrip("# ").strip()
                self.emit("title", self.title, index, section=())
                index += 1
                continue

            if PAGE_NUMBER.match(line):
                index += 1
                continue

            definition = FOOTNOTE_DEFINITION.match(line)
            if definition and self.pending_footnote(definition.group(1)) and not self.next_heading(line):
                number = footnote_number(definition.group(1))
                self.defined_footnotes.add(number)
                text, _ = strip_inline_artifacts(line if definition.group(1).isascii()
                                                 else f"{number} {definition.group(2)}")
                line_starts = [(0, index)]
                index += 1
                # A footnote may wrap onto more lines; the next footnote's definition on the line below begins its own.
                while index < len(lines) and lines[index].strip() and not self.next_definition(lines[index].strip()):
                    continuation = strip_inline_artifacts(lines[index].strip())[0]
                    text = join_fragments(text, continuation)
                    line_starts.append((len(text) - len(continuation), index))
                    index += 1
                footnote = self.emit("footnote", text, index, section=self.footnote_sections[number])
                footnote.line_starts = line_starts
                continue

            if line == "コラム":
                self.flush()
                index += 1
                while index < len(lines) and lines[index].strip() in ("", "COLUMN"):
                    index += 1
                if index < len(lines):
                    self.column = strip_inline_artifacts(lines[index].strip())[0]
                    self.figure = None
                    self.emit("heading", "コラム " + self.column, index)
                index += 1
                continue

            if FIGURE_NOTE_HEADER.match(line):
                self.flush()
                items = [line]
                index += 1
                while index < len(lines):
                    following = lines[index].strip()
                    if following.startswith(("-", "・", "※")):
                        items.append(strip_inline_artifacts(following.lstrip("-・ ").strip())[0])
                    elif following and not FIGURE_NOTE_HEADER.match(following):
                        break
                    elif FIGURE_NOTE_HEADER.match(following):
                        break
                    index += 1
                self.emit("figure_note", "\n".join(items), index)
                continue

            # Headings carry ruby and footnote markers too; match and keep them without.
            heading_line, heading_references = strip_inline_artifacts(line)
            if heading_line != line:
                line = heading_line.strip()
            level2 = LEVEL2_HEADING.match(line)
            if level2 and not is_complete(line):
                self.emit("heading", self.set_level2(level2.group(1), level2.group(2).strip()), index,
                          references=heading_references)
                index += 1
                continue
            level3 = LEVEL3_HEADING.match(line)
            if level3 and not is_complete(line):
                self.emit("heading", self.set_level3(level3.group(2).strip(), level3.group(1)), index,
                          references=heading_references)
                index += 1
                continue
            level1 = LEVEL1_HEADING.match(line)
            if level1 and not is_complete(line) and titles_a_section(
                    level1.group(2), in_sequence=int(level1.group(1)) == self.next_level1 and not self.column):
                number = int(level1.group(1))
                if number == self.next_level1 and not self.column:
                    self.emit("heading", self.set_level1(number, level1.group(2).strip()), index,
                              references=heading_references)
                else:  # "1 ロシア外政": a katakana marker misread as a digit
                    self.emit("heading", self.set_level3(level1.group(2).strip()), index,
                              references=heading_references)
                index += 1
                continue

            text, referenced = line, heading_references
            # A lone unfinished line after an image's blank lines is the photo's caption.
            if before >= 2 and not is_complete(text) and not (self.pending and before < 2):
                self.emit("caption", text, index)
                index += 1
                continue
            # A short unfinished line followed by an image's blank lines titles a diagram.
            if after >= 2 and not is_complete(text) and len(text) <= 40 and (
                    self.pending is None or is_complete(self.pending.text)):
                self.flush()
                self.figure = text
                self.emit("heading", "図 " + text, index)
                index += 1
                continue
            if self.looks_like_bare_heading(text):
                self.emit("heading", self.set_level3(text), index)
                index += 1
                continue
            self.add_text(text, index, referenced)
            index += 1
        self.flush()
        return self.assemble()

    def assemble(self) -> CleanDocument:
        """Lay the blocks out in source order and record each one's span in the cleaned text."""
        ordered = sorted(self.blocks, key=lambda block: block.source_line)
        return assemble_blocks(self.doc_id, self.title or self.doc_id, ordered)


def assemble_blocks(doc_id: str, title: str, ordered: list[Block]) -> CleanDocument:
    """Lay blocks out one after another, separated by blank lines, recording each one's span and source lines."""
    pieces: list[str] = []
    anchors: list[tuple[int, int]] = []
    offset = 0
    for block in ordered:
        if pieces:
            pieces.append("\n\n")
            offset += 2
        block.start = offset
        pieces.append(block.text)
        anchors.extend((offset + start, line) for start, line in (block.line_starts or [(0, block.source_line)]))
        offset += len(block.text)
        block.end = offset
    anchors.sort()
    return CleanDocument(doc_id=doc_id, title=title, text="".join(pieces), blocks=ordered, line_anchors=anchors)


def clean_document(doc_id: str, raw_text: str) -> CleanDocument:
    """Clean one PDF-extracted document into text, blocks and section paths."""
    return _Cleaner(doc_id, raw_text).run()


@dataclass(frozen=True)
class MarkedItem:
    """A piece of a document whose structure is marked up (HTML, Markdown), in reading order."""

    kind: str  # "heading" | "paragraph" | "footnote"
    text: str
    level: int = 0  # of a heading: 1 for h1 / "#", and so on
    source_line: int = 0


def clean_inline(text: str) -> str:
    """The same inline cleaning as for extracted text: NFC, ruby and footnote markers dropped, broken lines joined."""
    joined = ""
    for line in unicodedata.normalize("NFC", text).splitlines():
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        if line:
            joined = join_fragments(joined, strip_inline_artifacts(line)[0].strip())
    return joined


def clean_marked_up(doc_id: str, title: str, items: list[MarkedItem]) -> CleanDocument:
    """Clean a marked-up document: its headings, not heuristics, give the section path (h1/# first)."""
    headings: dict[int, str] = {}
    blocks: list[Block] = []
    for number, item in enumerate(items):
        text = clean_inline(item.text)
        if not text:
            continue
        line = item.source_line or number
        if item.kind == "heading":
            headings = {level: name for level, name in headings.items() if level < item.level}
            headings[item.level] = text
            blocks.append(Block("heading", text, tuple(headings[level] for level in sorted(headings)), line))
        else:
            kind = "footnote" if item.kind == "footnote" else "paragraph"
            blocks.append(Block(kind, text, tuple(headings[level] for level in sorted(headings)), line))
    return assemble_blocks(doc_id, title or doc_id, blocks)
