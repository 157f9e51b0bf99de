"""Load source documents from the corpus folder: every .txt and .md file is one document."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import CorpusError

DOCUMENT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class SourceDocument:
    """One corpus file as read from disk."""

    doc_id: str
    path: Path
    raw_text: str
    content_sha256: str


def document_id_for(relative_path: Path) -> str:
    """A stable id from the file's path inside the corpus (no suffix, URL-safe characters)."""
    stem = relative_path.with_suffix("").as_posix()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "document"


def load_corpus(corpus_dir: Path) -> list[SourceDocument]:
    """Read every document under `corpus_dir`, skipping README files that describe the sources."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist (set BLUEBOOK_CORPUS_DIR)")
    documents = []
    for path in sorted(corpus_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        if path.stem.lower() == "readme":
            continue
        try:
            data = path.read_bytes()
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"cannot read {path} as UTF-8 text: {exc}") from exc
        documents.append(SourceDocument(
            doc_id=document_id_for(path.relative_to(corpus_dir)),
            path=path,
            raw_text=text,
            content_sha256=hashlib.sha256(data).hexdigest(),
        ))
    if not documents:
        raise CorpusError(f"corpus folder {corpus_dir} holds no .txt or .md documents")
    return documents
