"""Load source documents from the corpus folder (searched recursively): PDF, HTML, Markdown and text files.

Each document's metadata (id, title, year, source URL) comes from an optional sidecar `NAME.meta.yaml` (or
`NAME.pdf.meta.yaml`) or Markdown front matter, and is otherwise inferred: the id from the file's path, the title
from the first heading or the PDF's metadata, the year from the file name, the title or the opening text.
A file that cannot be read is skipped with a message naming it and why; the rest is indexed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.clean import CleanDocument, clean_document, clean_marked_up
from index.errors import CorpusError
from index.readers import FORMATS, ReadDocument, UnreadableDocumentError, read_document

DOCUMENT_SUFFIXES = tuple(FORMATS)
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = {"id", "title", "year", "source_url"}
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,120}$")
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
Reporter = Callable[[str], None]


@dataclass(frozen=True)
class SourceDocument:
    """One corpus file as read from disk, with what is known of it before cleaning."""

    doc_id: str
    path: Path
    raw_text: str  # the text the line cleaner reads ("" for HTML and headed Markdown, read as marked-up items)
    content_sha256: str  # of the file and its sidecar: either changing makes the document changed
    format: str = "text"
    source: str = ""  # path inside the corpus folder
    title: str | None = None  # from the sidecar or front matter
    year: int | None = None  # from the sidecar, front matter or file name
    source_url: str | None = None
    document: ReadDocument | None = None

    def clean(self) -> CleanDocument:
        """The cleaned text, blocks and section paths; the title is the metadata's when one was given."""
        read = self.document or ReadDocument(format="text", text=self.raw_text)
        if read.items is not None:
            cleaned = clean_marked_up(self.doc_id, self.title or read.title or self.doc_id, read.items)
        else:
            cleaned = clean_document(self.doc_id, read.text)
            first_line_title = cleaned.title if cleaned.title != self.doc_id else None
            cleaned.title = self.title or first_line_title or read.title or self.doc_id
        return cleaned

    def year_of(self, cleaned: CleanDocument) -> int | None:
        """The given or file-name year, else the first year in the title, else in the opening text."""
        if self.year is not None:
            return self.year
        for text in (cleaned.title, cleaned.text[:300]):
            found = YEAR.search(text)
            if found:
                return int(found.group(1))
        return None

    def page_starts(self, cleaned: CleanDocument) -> list[list[int]]:
        """[offset, page] wherever the cleaned text moves to another page of the PDF; [] for other formats."""
        if self.document is None or not self.document.line_pages:
            return []
        pages = self.document.line_pages
        starts: list[list[int]] = []
        for offset, line in cleaned.line_anchors:
            page = pages[min(max(line, 0), len(pages) - 1)]
            if not starts or starts[-1][1] != page:
                starts.append([offset, page])
        return starts

    def page_labels(self) -> dict[str, str]:
        return {str(page): label for page, label in (self.document.page_labels if self.document else {}).items()}


def document_id_for(relative_path: Path) -> str:
    """A stable id from the file's path inside the corpus (no suffix, URL-safe characters)."""
    stem = relative_path.with_suffix("").as_posix()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "document"


def sidecar_for(path: Path) -> Path | None:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnreadableDocumentError(f"its metadata file {path.name} is unreadable "
                                      f"({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UnreadableDocumentError(f"its metadata file {path.name} is not a mapping of keys to values")
    unknown = sorted(set(map(str, data)) - SIDECAR_KEYS)
    if unknown:
        raise UnreadableDocumentError(f"its metadata file {path.name} has unknown keys {unknown}; "
                                      f"known: {sorted(SIDECAR_KEYS)}")
    return data


def checked_metadata(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """id, title, year and source_url from a sidecar or front matter, each checked."""
    checked: dict[str, Any] = {}
    if data.get("id") is not None:
        if not DOCUMENT_ID.match(str(data["id"])):
            raise UnreadableDocumentError(f"{origin} id must be letters, digits, '.', '_' or '-', got {data['id']!r}")
        checked["id"] = str(data["id"])
    if data.get("title") is not None:
        checked["title"] = " ".join(str(data["title"]).split()) or None
    if data.get("year") is not None:
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int | str) or not str(year).isdigit() \
                or not 1900 <= int(year) <= 2100:
            raise UnreadableDocumentError(f"{origin} year must be a year such as 2024, got {year!r}")
        checked["year"] = int(year)
    url = data.get("source_url", data.get("url"))
    if url is not None:
        checked["source_url"] = str(url).strip() or None
    return checked


def read_source(path: Path, relative: Path) -> SourceDocument:
    """Read and describe one file; raises UnreadableDocumentError with the reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot be read ({exc.strerror})") from None
    sidecar = sidecar_for(path)
    sidecar_bytes = sidecar.read_bytes() if sidecar else b""
    read = read_document(path.suffix, data)
    metadata = checked_metadata(read.metadata, "front matter") if read.metadata else {}
    if sidecar:
        metadata.update(checked_metadata(read_sidecar(sidecar), f"{sidecar.name}:"))
    digest = hashlib.sha256(data)
    if sidecar_bytes:
        digest.update(b"\0" + sidecar_bytes)
    year = metadata.get("year")
    if year is None:
        found = YEAR.search(relative.name)
        year = int(found.group(1)) if found else None
    return SourceDocument(
        doc_id=metadata.get("id") or document_id_for(relative), path=path,
        raw_text=read.text if read.items is None else "", content_sha256=digest.hexdigest(), format=read.format,
        source=relative.as_posix(), title=metadata.get("title"), year=year,
        source_url=metadata.get("source_url") or read.source_url, document=read)


def load_corpus(corpus_dir: Path, report: Reporter | None = None) -> list[SourceDocument]:
    """Read every document under `corpus_dir`, skipping README files that describe the sources and reporting
    each file that cannot be read."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist (set BLUEBOOK_CORPUS_DIR)")
    say = report or (lambda message: None)
    documents: list[SourceDocument] = []
    taken: dict[str, str] = {}
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.endswith(SIDECAR_SUFFIX) or path.stem.lower() == "readme":
            continue
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            say(f"skipped {relative}: unsupported format {path.suffix or '(no suffix)'!r} "
                f"(supported: {', '.join(DOCUMENT_SUFFIXES)})")
            continue
        try:
            source = read_source(path, relative)
        except UnreadableDocumentError as exc:
            say(f"skipped {relative}: {exc}")
            continue
        if source.doc_id in taken:
            say(f"skipped {relative}: its document id {source.doc_id!r} is already used by {taken[source.doc_id]}; "
                f"give one of them another id in a {SIDECAR_SUFFIX} file")
            continue
        taken[source.doc_id] = source.source
        documents.append(source)
    if not documents:
        raise CorpusError(f"corpus folder {corpus_dir} holds no readable documents "
                          f"({', '.join(DOCUMENT_SUFFIXES)})")
    return documents
