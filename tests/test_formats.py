"""PDF, HTML and Markdown documents: read, cleaned, indexed with section paths and pages, cited, filtered."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.build import build_index
from index.chunk import ChunkingParams
from index.corpus import load_corpus
from index.readers import read_html, read_markdown, read_pdf
from index.retrieve import HybridRetriever, RetrievalFilter
from index.store import SearchIndex, load_index
from service.answer import AnswerParams, ExtractiveAnswerer
from service.api.app import create_app
from service.chain import QuestionAnswerer
from service.config import Settings
from tests.documents import HTML, HTML_NAME, MARKDOWN, PDF_NAME, write_japanese_pdf, write_sample_corpus
from tests.fakes import HashingEmbedder

PARAMS = ChunkingParams(target_chars=120, overlap_sentences=0)
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PDF_ID = "diplomatic-bluebook-2025_ch3_middle-east"
EGYPT = "日本はエジプトのスエズ運河経済特区における港湾整備に円借款を供与した。"


@pytest.fixture(scope="module")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats") / "corpus"
    shutil.copytree(FIXTURE_CORPUS, folder)
    return write_sample_corpus(folder)


@pytest.fixture(scope="module")
def index(corpus: Path, embedder: HashingEmbedder) -> SearchIndex:
    folder = corpus.parent / "index"
    build_index(corpus, folder, embedder, PARAMS)
    return load_index(folder, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint)


@pytest.fixture(scope="module")
def answerer(index: SearchIndex, embedder: HashingEmbedder) -> QuestionAnswerer:
    return QuestionAnswerer(index, embedder, HybridRetriever(index, embedder),
                            ExtractiveAnswerer(index, AnswerParams(min_similarity=0.1)))


@pytest.fixture
def client(answerer: QuestionAnswerer, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    with TestClient(create_app(settings, loader=lambda _: answerer)) as test_client:
        yield test_client


def passages_of(index: SearchIndex, doc_id: str):  # type: ignore[no-untyped-def]
    return [p for p in index.passages if p.doc_id == doc_id]


# --- readers ------------------------------------------------------------------------------------------------

def test_pdf_is_read_page_by_page_with_printed_page_numbers(tmp_path: Path) -> None:
    read = read_pdf(write_japanese_pdf(tmp_path / "chapter.pdf").read_bytes())
    assert read.format == "pdf" and read.title == "外交青書2025 第3章"
    assert read.page_labels == {1: "41", 2: "42", 3: "43"}
    lines = read.text.splitlines()
    assert len(lines) == len(read.line_pages)
    assert not any(line.strip() in ("41", "42", "43") for line in lines)  # the printed numbers left the text
    assert read.line_pages[lines.index("いる。")] == 2  # the sentence broken across the page break
    assert read.line_pages[lines.index("(1) エジプト")] == 3
    assert "署名した¹。" in read.text  # the CID font's superscript survives extraction for the cleaner


def test_pdf_without_printed_numbers_has_no_labels(tmp_path: Path) -> None:
    path = write_japanese_pdf(tmp_path / "plain.pdf", pages=[["見出し", "本文の一文目である。"]], page_numbers=False)
    read = read_pdf(path.read_bytes())
    assert read.page_labels == {} and set(read.line_pages) == {1}
    assert read.text.splitlines() == ["見出し", "", "本文の一文目である。"]


def test_html_keeps_main_content_only() -> None:
    read = read_html(HTML.encode())
    text = "\n".join(item.text for item in read.items or [])
    for chrome in ("ホーム", "トップページ", "ページの先頭へ戻る", "Copyright", "関連リンク", "tracking", "color",
                   "しゅしょう"):
        assert chrome not in text
    assert read.title == "欧州"
    assert read.source_url == "https://www.mofa.go.jp/mofaj/gaiko/bluebook/2023/html/chapter2_05.html"
    headings = [(item.level, item.text) for item in read.items or [] if item.kind == "heading"]
    assert headings == [(1, "欧州"), (2, "1 概観"), (3, "(1) 英国"), (3, "(2) フランス"), (4, "文化交流")]


def test_markdown_front_matter_and_headings() -> None:
    read = read_markdown(MARKDOWN.encode())
    assert read.metadata["title"] == "ASEANとの協力" and read.metadata["year"] == 2022
    assert read.title == "ASEAN"
    kinds = [(item.kind, item.text) for item in read.items or []]
    assert ("footnote", "1 ASEAN中心性は日本の外交方針の一つである。") in kinds
    assert not any("code is not prose" in text or "](" in text or "**" in text for _, text in kinds)


def test_markdown_without_headings_is_cleaned_as_text() -> None:
    read = read_markdown("2\n\n別の章\n\n1 概観\n\n日本は中央アジアとの対話を続けた。\n".encode())
    assert read.items is None and read.text.startswith("2\n")


# --- indexed documents --------------------------------------------------------------------------------------

def test_documents_carry_their_metadata(index: SearchIndex) -> None:
    documents = index.documents
    assert set(documents) == {"mini-chapter", PDF_ID, "europe-2023", "notes-asean"}
    pdf, html, markdown = documents[PDF_ID], documents["europe-2023"], documents["notes-asean"]
    assert (pdf.format, pdf.title, pdf.year, pdf.source) == ("pdf", "中東と北アフリカ", 2025, PDF_NAME)
    # the sidecar gave the HTML page its id and URL; the year comes from the file name
    assert (html.format, html.title, html.year, html.source) == ("html", "欧州", 2023, HTML_NAME)
    assert html.source_url == "https://www.mofa.go.jp/mofaj/gaiko/bluebook/2023/"
    assert (markdown.format, markdown.title, markdown.year, markdown.source) == (
        "markdown", "ASEANとの協力", 2022, "notes/asean.md")  # front matter; found in a subfolder
    assert markdown.source_url == "https://example.org/asean"
    assert documents["mini-chapter"].format == "text" and documents["mini-chapter"].page_at(0) == (None, None)


def test_pdf_passages_have_sections_and_pages(index: SearchIndex) -> None:
    passages = passages_of(index, PDF_ID)
    text = index.documents[PDF_ID].text
    assert not any(number in text for number in ("41", "42", "43"))
    by_text = {p.text.split("。")[0]: p for p in passages}
    jordan = by_text["2025年3月、日本とヨルダンは水資源管理に関する協力覚書に署名した"]
    assert jordan.section_path == ("1 概観", "(1) ヨルダン") and (jordan.page, jordan.page_label) == (1, "41")
    assert "協力を進めている。" in jordan.text  # joined across the page break
    assert "¹" not in jordan.text
    footnote = next(p for p in passages if p.kind == "footnote")
    assert footnote.text == "1 協力覚書は首都アンマンで署名された。"
    assert footnote.section_path == ("1 概観", "(1) ヨルダン") and footnote.page == 1
    saudi = by_text["サウジアラビアとの間では、エネルギー転換と水素の分野で新たな協力が始まった"]
    assert saudi.section_path == ("1 概観", "(2) サウジアラビア") and (saudi.page, saudi.page_label) == (2, "42")
    egypt = by_text[EGYPT.rstrip("。")]
    assert egypt.section_path == ("2 北アフリカ", "(1) エジプト") and (egypt.page, egypt.page_label) == (3, "43")
    # the part of the broken sentence that was printed on page 2 is on page 2
    assert index.documents[PDF_ID].page_at(text.index("いる。")) == (2, "42")


def test_html_and_markdown_passages_have_section_paths(index: SearchIndex) -> None:
    html = passages_of(index, "europe-2023")
    assert [p.section_path for p in html] == [
        ("欧州", "1 概観"), ("欧州", "1 概観", "(1) 英国"), ("欧州", "1 概観", "(2) フランス"),
        ("欧州", "1 概観", "(2) フランス", "文化交流")]
    assert all(p.page is None and p.page_label is None for p in html)
    assert "英国の首相は5月に広島を訪問した。" in html[1].text
    assert "署名された。日英両国は" in html[1].text  # the footnote marker and the source's line break are gone
    markdown = passages_of(index, "notes-asean")
    assert markdown[0].section_path == ("ASEAN", "1 概観")
    assert markdown[0].text.startswith("日本はASEANの中心性と一体性を一貫して支持している。ASEANとの協力はインド太平洋")
    assert markdown[1].section_path == ("ASEAN", "2 日ASEAN首脳会議", "首脳会議の成果")


def test_answers_cite_the_document_and_page(answerer: QuestionAnswerer) -> None:
    answer = answerer.ask(EGYPT).answer
    assert not answer.abstained
    citation = answer.citations[0]
    assert citation.doc_id == PDF_ID and citation.quote == EGYPT
    assert (citation.title, citation.year, citation.page, citation.page_label) == ("中東と北アフリカ", 2025, 3, "43")


def test_broken_files_are_skipped_with_the_reason(tmp_path: Path, embedder: HashingEmbedder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    write_japanese_pdf(corpus / "locked.pdf", encrypt="secret")
    (corpus / "junk.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "empty.md").write_text("", encoding="utf-8")
    (corpus / "fake.pdf").write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    (corpus / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (corpus / "bad-meta.md").write_text("# 見出し\n\n本文。\n", encoding="utf-8")
    (corpus / "bad-meta.meta.yaml").write_text("yaer: 2024\n", encoding="utf-8")
    (corpus / "slides.pptx").write_bytes(b"PK\x03\x04")
    messages: list[str] = []
    manifest, _ = build_index(corpus, tmp_path / "index", embedder, PARAMS, report=messages.append)
    assert set(manifest.corpus) == {"mini-chapter"}
    skipped = {m.split(":")[0]: m for m in messages if m.startswith("skipped ")}
    assert set(skipped) == {f"skipped {name}" for name in (
        "locked.pdf", "junk.txt", "empty.md", "fake.pdf", "latin1.txt", "bad-meta.md", "slides.pptx")}
    assert "encrypted" in skipped["skipped locked.pdf"]
    assert "binary" in skipped["skipped junk.txt"]
    assert "empty" in skipped["skipped empty.md"]
    assert "not a PDF" in skipped["skipped fake.pdf"]
    assert "not UTF-8" in skipped["skipped latin1.txt"]
    assert "unknown keys ['yaer']" in skipped["skipped bad-meta.md"]
    assert "unsupported format '.pptx'" in skipped["skipped slides.pptx"]


def test_duplicate_document_ids_keep_the_first(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\n一つ目の文書である。\n", encoding="utf-8")
    (corpus / "b.md").write_text("# B\n\n二つ目の文書である。\n", encoding="utf-8")
    (corpus / "b.meta.yaml").write_text("id: a\n", encoding="utf-8")
    messages: list[str] = []
    sources = load_corpus(corpus, messages.append)
    assert [s.source for s in sources] == ["a.md"]
    assert messages and "b.md" in messages[0] and "'a' is already used by a.md" in messages[0]


# --- HTTP: documents, filters, pages in citations and passages ------------------------------------------------

def test_documents_endpoint_lists_documents_with_passage_counts(client: TestClient, index: SearchIndex) -> None:
    response = client.get("/v1/documents")
    assert response.status_code == 200
    documents = {d["doc_id"]: d for d in response.json()["documents"]}
    assert documents[PDF_ID] == {"doc_id": PDF_ID, "title": "中東と北アフリカ", "year": 2025, "source": PDF_NAME,
                                 "format": "pdf", "source_url": None, "passages": len(passages_of(index, PDF_ID)),
                                 "pages": 3}
    assert documents["europe-2023"]["pages"] is None
    assert sum(d["passages"] for d in documents.values()) == len(index.passages)


def test_ask_cites_page_and_passage_shows_it(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": EGYPT}).json()
    citation = body["citations"][0]
    assert {key: citation[key] for key in ("doc_id", "title", "year", "page", "page_label")} == {
        "doc_id": PDF_ID, "title": "中東と北アフリカ", "year": 2025, "page": 3, "page_label": "43"}
    passage = client.get(f"/v1/passages/{citation['passage_id']}").json()
    assert (passage["doc_id"], passage["year"], passage["page"], passage["page_label"]) == (PDF_ID, 2025, 3, "43")


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/chat"])
def test_filters_restrict_retrieval(client: TestClient, path: str) -> None:
    field = "question" if path == "/v1/ask" else "message"
    unfiltered = client.post(path, json={field: EGYPT}).json()
    assert PDF_ID in {p["doc_id"] for p in unfiltered["passages"]}
    by_document = client.post(path, json={field: EGYPT, "documents": ["europe-2023", "notes-asean"]}).json()
    assert {p["doc_id"] for p in by_document["passages"]} <= {"europe-2023", "notes-asean"}
    assert all(c["doc_id"] != PDF_ID for c in by_document["citations"])
    by_year = client.post(path, json={field: EGYPT, "years": [2025]}).json()
    assert by_year["passages"] and {p["doc_id"] for p in by_year["passages"]} == {PDF_ID}
    both = client.post(path, json={field: EGYPT, "documents": [PDF_ID], "years": [2023]}).json()
    assert both["passages"] == [] and both["abstained"] is True


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/chat", "/v1/chat/stream"])
def test_unknown_document_or_year_is_a_422_naming_it(client: TestClient, path: str) -> None:
    field = "question" if path == "/v1/ask" else "message"
    response = client.post(path, json={field: EGYPT, "documents": [PDF_ID, "no-such-chapter"]})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "documents"] and "'no-such-chapter'" in detail["msg"]
    response = client.post(path, json={field: EGYPT, "years": [1999]})
    assert response.status_code == 422
    assert "1999" in response.json()["detail"][0]["msg"] and "2025" in response.json()["detail"][0]["msg"]
    response = client.post(path, json={field: EGYPT, "years": ["soon"]})
    assert response.status_code == 422


def test_filter_helper() -> None:
    assert RetrievalFilter.of(None, None) is None and RetrievalFilter.of([], []) is None
    assert RetrievalFilter.of(["a"], None) == RetrievalFilter(frozenset({"a"}), None)
