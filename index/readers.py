"""Read one corpus file of any supported format into text the cleaner understands.

- PDF (pypdfium2): page by page; each page's lines are kept in order, so every cleaned character knows its
  page. The page number a page prints (a lone number on its first or last line) becomes its label and is taken
  out of the text; otherwise the PDF's own /PageLabels are used.
- HTML (lxml): only the main content (navigation, breadcrumbs, headers, footers, scripts and in-page links such
  as "ページの先頭へ戻る" dropped); h1–h4 give the section path; ruby readings and footnote markers dropped.
- Markdown: front matter read as metadata; "#" headings give the section path; a file without headings is
  cleaned as plain text.
- Plain text: as extracted, cleaned by the heuristics of index/clean.py.
A file that cannot be read raises UnreadableDocumentError saying why; the corpus loader skips it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from index.clean import MarkedItem

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
           ".txt": "text"}
PRINTED_PAGE_NUMBER = re.compile(r"^[-‐―—–\s]*(\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})[-‐―—–\s]*$")


class UnreadableDocumentError(Exception):
    """A corpus file that cannot be indexed, with the reason."""


@dataclass
class ReadDocument:
    """What a reader found in a file: text for the line cleaner, or marked-up items, plus what it says of itself."""

    format: str
    text: str = ""  # for the line cleaner (text and PDF, and Markdown without headings)
    items: list[MarkedItem] | None = None  # for marked-up documents
    line_pages: list[int] = field(default_factory=list)  # PDF: 1-based page of each line of `text`
    page_labels: dict[int, str] = field(default_factory=dict)  # PDF: page -> the label it prints
    title: str | None = None  # from the file itself: PDF metadata, <title>/<h1>, the first "#" heading
    source_url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # Markdown front matter


def decode_text(data: bytes) -> str:
    """UTF-8 text, refusing binary files that happen to have a text suffix."""
    if b"\x00" in data[:8192]:
        raise UnreadableDocumentError("binary data (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDocumentError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise UnreadableDocumentError("empty")
    return text


def read_text(data: bytes) -> ReadDocument:
    return ReadDocument(format="text", text=decode_text(data))


# --- PDF ------------------------------------------------------------------------------------------------------

def read_pdf(data: bytes) -> ReadDocument:
    import pypdfium2 as pdfium

    if not data.strip():
        raise UnreadableDocumentError("empty")
    if not data.lstrip()[:5] == b"%PDF-":
        raise UnreadableDocumentError(f"not a PDF (it starts with {data[:12]!r}, not %PDF-)")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "encrypted (password protected)" if "password" in str(exc).lower() else f"unreadable PDF ({exc})"
        raise UnreadableDocumentError(reason) from None
    try:
        lines: list[str] = []
        line_pages: list[int] = []
        labels: dict[int, str] = {}
        for page_index in range(len(document)):
            page_number = page_index + 1
            page = document[page_index]
            text_page = page.get_textpage()
            page_lines = [line.rstrip() for line in text_page.get_text_bounded().splitlines()]
            text_page.close()
            page.close()
            printed = printed_page_number(page_lines)
            if printed is not None:
                position, label = printed
                labels[page_number] = label
                del page_lines[position]
            elif label := _pdf_page_label(document, page_index):
                labels[page_number] = label
            # The cleaner reads text the way the chapter's extraction laid it out, a blank line after each line:
            # it joins a sentence broken across lines or pages, and a footnote line ends at the blank.
            for line in page_lines:
                if line.strip():
                    lines.extend((line, ""))
                    line_pages.extend((page_number, page_number))
        if lines:  # no blank line after the last line: `text` has exactly one line per entry of line_pages
            lines.pop()
            line_pages.pop()
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        document.close()
    if not "".join(lines).strip():
        raise UnreadableDocumentError("no text layer (a scanned PDF needs OCR first)")
    return ReadDocument(format="pdf", text="\n".join(lines), line_pages=line_pages, page_labels=labels, title=title)


def printed_page_number(lines: list[str]) -> tuple[int, str] | None:
    """(line index, label) of the page number printed alone on the page's last or first line, if any."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for position in (filled[-1:] + filled[:1]) if filled else []:
        match = PRINTED_PAGE_NUMBER.match(lines[position].strip())
        if match:
            return position, match.group(1)
    return None


def _pdf_page_label(document: Any, page_index: int) -> str | None:
    try:
        return str(document.get_page_label(page_index)) or None
    except Exception:  # a malformed /PageLabels tree only costs the label
        return None


# --- HTML -----------------------------------------------------------------------------------------------------

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
BLOCK_TAGS = {"p", "li", "dd", "dt", "td", "th", "div", "section", "article", "blockquote", "figcaption", "caption",
              "pre", "h5", "h6", "table", "ul", "ol", "dl", "figure", "main", "tr", "tbody", "thead"}
BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template",
                    "iframe", "button", "svg", "select")
BOILERPLATE_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
# Class and id words that mark site chrome on government and news sites (breadcrumbs are "topicpath"/"pankuzu").
BOILERPLATE_NAMES = re.compile(r"(^|[-_\s])(breadcrumbs?|topic-?path|pankuzu|nav|navi|navigation|menu|gnav|lnav|"
                               r"sidebar|footer|pagetop|page-top|to-top|skip|share|sns|banner)"
                               r"([-_\s]|$)", re.IGNORECASE)
FOOTNOTE_MARKER_TEXT = re.compile(r"^[\s\[(（*※]*\d{1,3}[\])）]?\s*$")


def read_html(data: bytes) -> ReadDocument:
    from lxml import etree
    from lxml import html as lxml_html

    decode_text(data)  # the same refusals as text: binary, empty
    try:
        root = lxml_html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocumentError(f"unreadable HTML ({exc})") from None
    source_url = None
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        found = root.xpath(xpath)
        if found and str(found[0]).strip():
            source_url = str(found[0]).strip()
            break
    head_title = " ".join(root.xpath("string(//title)").split()) or None
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(element)
    for element in list(root.iter(*BOILERPLATE_TAGS, "rt", "rp")):
        _drop(element)
    for element in list(root.iter()):
        if element.getparent() is None or not isinstance(element.tag, str):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if element.get("role") in BOILERPLATE_ROLES or BOILERPLATE_NAMES.search(names):
            if element.tag not in ("body", "html", "main", "article"):
                _drop(element)
    for element in list(root.iter("sup")):  # footnote markers: <sup>1</sup>, <sup>[2]</sup>, <sup>※3</sup>
        if FOOTNOTE_MARKER_TEXT.match(element.text_content() or ""):
            _drop(element)
    main = _main_content(root)
    items: list[MarkedItem] = []
    for number, element in enumerate(main.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in HEADING_TAGS:
            items.append(MarkedItem("heading", element.text_content(), HEADING_TAGS[element.tag], number))
        elif element.tag in BLOCK_TAGS and _is_leaf_block(element) and not _is_in_page_link(element):
            text = element.text_content()
            if text.strip():
                items.append(MarkedItem("paragraph", text, 0, number))
    if not any(item.kind == "paragraph" for item in items):
        raise UnreadableDocumentError("no main text found in the HTML")
    first_h1 = next((item.text for item in items if item.kind == "heading" and item.level == 1), None)
    title = " ".join(first_h1.split()) if first_h1 else head_title
    return ReadDocument(format="html", items=items, title=title, source_url=source_url)


def _drop(element: Any) -> None:
    """Remove an element but keep the text that follows it (lxml stores it on the element as its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _main_content(root: Any) -> Any:
    for xpath in ("//main", "//*[@role='main']", "//article", "//*[@id='main']", "//*[@id='contents']",
                  "//*[@id='content']", "//body"):
        found = root.xpath(xpath)
        if found:
            return found[0]
    return root


def _is_leaf_block(element: Any) -> bool:
    """A block with no block or heading inside it: its whole text is one paragraph."""
    return not any(isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child.tag in HEADING_TAGS)
                   for child in element.iterdescendants())


def _is_in_page_link(element: Any) -> bool:
    """A block that is only a link within the page ("ページの先頭へ戻る", "↑ top") is navigation, not content."""
    links = element.xpath(".//a[starts-with(@href, '#')]")
    text = "".join(element.text_content().split())
    return bool(links) and text == "".join("".join(link.text_content() for link in links).split())


# --- Markdown -------------------------------------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.DOTALL)
ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_MARKUP = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote references
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
]


def read_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(metadata, body, lines the front matter took) of a Markdown file."""
    import yaml

    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    try:
        metadata = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise UnreadableDocumentError(f"its front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(metadata, dict):
        raise UnreadableDocumentError("its front matter is not a mapping of keys to values")
    return metadata, text[match.end():], match.group(0).count("\n")


def strip_markdown(text: str) -> str:
    for pattern, replacement in INLINE_MARKUP:
        text = pattern.sub(replacement, text)
    return text


def read_markdown(data: bytes) -> ReadDocument:
    metadata, body, offset = read_front_matter(decode_text(data))
    if not body.strip():
        raise UnreadableDocumentError("empty (nothing after the front matter)")
    lines = body.splitlines()
    in_fence = False
    if not any(ATX_HEADING.match(line) for line in lines if not FENCE.match(line)):
        return ReadDocument(format="markdown", text=body, metadata=metadata)  # no markup: clean it as text
    items: list[MarkedItem] = []
    paragraph: list[str] = []
    paragraph_line = 0
    kind = "paragraph"

    def flush() -> None:
        nonlocal kind
        if paragraph:
            items.append(MarkedItem(kind, strip_markdown("\n".join(paragraph)), 0, paragraph_line))
            paragraph.clear()
        kind = "paragraph"

    for number, line in enumerate(lines, start=offset):
        if FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue  # code is not prose to quote
        heading = ATX_HEADING.match(line)
        footnote = FOOTNOTE_DEFINITION.match(line)
        if heading:
            flush()
            items.append(MarkedItem("heading", strip_markdown(heading.group(2)), len(heading.group(1)), number))
        elif not line.strip() or re.match(r"^\s*([-*_]\s*){3,}$", line):
            flush()
        elif footnote:
            flush()
            kind, paragraph_line = "footnote", number
            paragraph.append(f"{footnote.group(1)} {footnote.group(2)}")
        elif LIST_ITEM.match(line) or line.lstrip().startswith(("|", ">")):
            flush()
            paragraph_line = number
            cleaned = LIST_ITEM.sub("", line).strip().lstrip(">").strip()
            if line.lstrip().startswith("|"):
                if re.match(r"^\s*\|?[\s:|-]+\|?\s*$", line):
                    continue  # a table's alignment row
                cleaned = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
            paragraph.append(cleaned)
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(line)
    flush()
    title = next((item.text for item in items if item.kind == "heading"), None)
    return ReadDocument(format="markdown", items=items, title=" ".join(title.split()) if title else None,
                        metadata=metadata)


READERS = {"pdf": read_pdf, "html": read_html, "markdown": read_markdown, "text": read_text}


def read_document(suffix: str, data: bytes) -> ReadDocument:
    """Read a file's bytes by its suffix (see FORMATS)."""
    return READERS[FORMATS[suffix.lower()]](data)
