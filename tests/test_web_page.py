"""The web chat page in a real browser: Debian's chromium, driven by Playwright, against a real uvicorn server.

Most tests use the tiny corpus with the fake embedder (fast); the last one uses the real model and index.
Every test saves a screenshot in its tmp folder (pytest keeps the last runs' folders: look at them).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import expect, sync_playwright

from service.api.app import create_app
from service.chain import QuestionAnswerer, TimedAnswer
from service.cli import main as cli_main
from service.config import Settings, get_settings
from service.errors import IndexNotBuiltError

CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TRADE = "2023年の日露間の貿易はどれくらい減少した？"
TRADE_QUOTE = "2023年の日露間の貿易は、対前年比で44.3%の減少となった。"
# The answer leads with the figure asked for, then quotes the sentence that states it.
TRADE_ANSWER = f"44.3%です。「{TRADE_QUOTE}」[1]"
FOLLOW_UP = "日本からの輸出額は？"
UNANSWERABLE = "火星の首都はどこ？"
TIMEOUT_MS = 15_000


# ---- a real server on a free loopback port ----------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: FastAPI
    data_dir: Path


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` under uvicorn in a thread until the test is done; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class GatedAnswerer:
    """The tiny answerer, holding back the end of each streamed answer until the test opens the gate, so the
    page can be seen mid-answer (tokens shown, question box disabled)."""

    def __init__(self, inner: QuestionAnswerer) -> None:
        self.inner = inner
        self.index = inner.index
        self.gate = threading.Event()
        self.gate.set()

    def __getattr__(self, name: str) -> Any:  # ask, and whatever else the routes use, as the inner answerer
        return getattr(self.inner, name)

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for item in self.inner.stream(*args, **kwargs):
            if isinstance(item, TimedAnswer):
                assert self.gate.wait(20), "the test never let the answer finish"
            yield item


@contextmanager
def make_server(tmp_path: Path, answerer: Any, **settings_overrides: Any) -> Iterator[LiveServer]:
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", **settings_overrides)
    app = create_app(settings, loader=answerer)
    with serve(app) as url:
        yield LiveServer(url, app, settings.data_dir)


@pytest.fixture
def gated(tiny_answerer: QuestionAnswerer) -> GatedAnswerer:
    return GatedAnswerer(tiny_answerer)


@pytest.fixture
def server(tmp_path: Path, gated: GatedAnswerer) -> Iterator[LiveServer]:
    with make_server(tmp_path, lambda _: gated) as live:
        yield live


# ---- the browser ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageDriver:
    """One browser tab on the page, and what the tests do with it."""

    def __init__(self, page: Any, base_url: str, shots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.outside_requests: list[str] = []
        self.script_errors: list[str] = []
        page.on("request", self._check_request)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.set_default_timeout(TIMEOUT_MS)

    def _check_request(self, request: Any) -> None:
        if not request.url.startswith((self.base_url, "data:")):
            self.outside_requests.append(request.url)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)
        expect(self.page.locator("body[data-ready=true]")).to_be_attached()

    def ask(self, question: str, wait: bool = True) -> Any:
        earlier = self.page.locator(".assistant-turn").count()
        box = self.page.locator("#question")
        box.fill(question)
        box.press("Enter")
        if wait:
            self.wait_for_answer()
        return self.page.locator(".assistant-turn").nth(earlier)  # this answer, not whichever comes last

    def wait_for_answer(self) -> None:
        expect(self.page.locator("#question")).to_be_enabled()
        expect(self.page.locator(".answer[aria-busy=true]")).to_have_count(0)

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 1000
        return path

    def no_horizontal_scroll(self) -> None:
        widths = self.page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"horizontal scroll: content {widths[0]}px wide in a {widths[1]}px window"


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Callable[..., PageDriver]]:
    contexts: list[Any] = []
    drivers: list[PageDriver] = []

    def open_page(base_url: str, locale: str = "ja-JP", width: int = 1280, height: int = 860) -> PageDriver:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height},
                                      permissions=["clipboard-read", "clipboard-write"], base_url=base_url)
        contexts.append(context)
        driver = PageDriver(context.new_page(), base_url, tmp_path)
        drivers.append(driver)
        return driver

    yield open_page
    for context in contexts:
        context.close()
    for driver in drivers:
        assert not driver.outside_requests, f"the page reached outside its server: {driver.outside_requests}"
        assert not driver.script_errors, f"the page's script failed: {driver.script_errors}"


def stored_session(server: LiveServer, page: PageDriver) -> dict[str, Any]:
    session_id = page.page.evaluate("localStorage.getItem('bluebook-qa.session')")
    assert session_id and len(session_id) == 32
    return httpx.get(f"{server.url}/v1/sessions/{session_id}").json()  # type: ignore[no-any-return]


# ---- the tests ----------------------------------------------------------------------------------------

def test_ask_see_the_answer_stream_in_and_open_a_citation_at_its_highlighted_quote(
        server: LiveServer, gated: GatedAnswerer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url)
    page.open()
    expect(page.page.locator("h1")).to_have_text("外交青書 Q&A")
    assert page.page.evaluate("document.documentElement.lang") == "ja"

    gated.gate.clear()  # the answer's text streams, its end waits
    turn = page.ask(TRADE, wait=False)
    answer = turn.locator(".answer")
    expect(answer).to_contain_text("44.3%")  # the tokens are on the page before the answer is done
    expect(answer).to_have_attribute("aria-busy", "true")
    expect(answer).to_have_attribute("aria-live", "polite")
    expect(page.page.locator("#question")).to_be_disabled()
    expect(page.page.locator("#send")).to_be_disabled()
    page.screenshot("streaming")
    gated.gate.set()
    page.wait_for_answer()

    expect(answer).to_have_text(TRADE_ANSWER)
    marker = answer.locator("button.marker")
    expect(marker).to_have_text("[1]")
    citation = turn.locator("button.citation").first
    expect(citation.locator(".citation-section")).to_have_text("2 日露関係 › (2) 経済")
    first_citation = stored_session(server, page)["turns"][1]["citations"][0]
    meta = [first_citation["title"], first_citation.get("year")]  # no page: the tiny corpus is plain text
    expect(citation.locator(".citation-meta")).to_have_text(" · ".join(str(part) for part in meta if part))
    expect(citation.locator(".citation-quote")).to_have_text(TRADE_QUOTE)
    expect(turn.locator(".abstained-label")).to_be_hidden()

    citation.click()
    panel = page.page.locator("#passage-panel")
    expect(panel).to_be_visible()
    highlight = panel.locator("mark.quote-highlight")
    expect(highlight).to_have_text(TRADE_QUOTE)
    expect(highlight).to_be_in_viewport()
    expect(panel.locator("#panel-title")).to_have_text("[1] 2 日露関係 › (2) 経済")
    session = stored_session(server, page)
    stored_citation = session["turns"][1]["citations"][0]
    assert highlight.inner_text() == stored_citation["quote"]
    passage = httpx.get(f"{server.url}/v1/passages/{stored_citation['passage_id']}").json()
    assert passage["text"][stored_citation["start"] - passage["start"]:stored_citation["end"] - passage["start"]] \
        == highlight.inner_text()
    page.screenshot("citation-open")

    # The [1] marker in the answer opens the same passage; the link opens it on its own page.
    page.page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    marker.click()
    expect(highlight).to_have_text(TRADE_QUOTE)
    href = panel.locator("#passage-link").get_attribute("href")
    assert href and href.startswith("/?passage=")
    alone = open_page(server.url)
    alone.open(href)
    expect(alone.page.locator("#chat")).to_be_hidden()
    expect(alone.page.locator("mark.quote-highlight")).to_have_text(TRADE_QUOTE)
    expect(alone.page.locator("#panel-title")).to_have_text("2 日露関係 › (2) 経済")
    alone.screenshot("passage-alone")


def test_follow_up_reload_new_conversation_and_recent_conversations(
        server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url)
    page.open()
    page.ask(TRADE)
    second = page.ask(FOLLOW_UP)
    expect(second.locator(".answer")).to_contain_text("輸出額")
    expect(page.page.locator(".user-turn")).to_have_count(2)
    session = stored_session(server, page)
    assert [t["role"] for t in session["turns"]] == ["user", "assistant", "user", "assistant"]
    assert session["turns"][2]["content"] == FOLLOW_UP

    page.page.reload()
    expect(page.page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.page.locator(".user-turn .bubble")).to_have_text([TRADE, FOLLOW_UP])
    answers = page.page.locator(".assistant-turn .answer")
    expect(answers).to_have_text([session["turns"][1]["content"], session["turns"][3]["content"]])
    expect(page.page.locator(".assistant-turn").first.locator("button.citation")).to_have_count(1)
    page.screenshot("reloaded", full_page=True)

    page.page.locator("#new-conversation").click()
    expect(page.page.locator(".turn")).to_have_count(0)
    assert page.page.evaluate("localStorage.getItem('bluebook-qa.session')") is None
    page.ask(UNANSWERABLE)
    page.page.locator("#recent summary").click()
    recent = page.page.locator("#recent-list .recent-item")
    expect(recent).to_have_count(2)
    expect(recent.locator(".recent-title")).to_have_text([UNANSWERABLE, TRADE])  # newest first
    expect(page.page.locator("#recent-list")).to_be_in_viewport(ratio=1)
    page.screenshot("recent")
    recent.nth(1).click()
    expect(page.page.locator(".user-turn .bubble")).to_have_text([TRADE, FOLLOW_UP])
    assert page.page.evaluate("localStorage.getItem('bluebook-qa.session')") == session["session_id"]


def test_feedback_from_the_page_is_in_the_export(server: LiveServer, open_page: Callable[..., PageDriver],
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    page = open_page(server.url)
    page.open()
    turn = page.ask(TRADE)
    turn.locator("button[data-rating=down]").click()
    comment = turn.locator(".comment-input")
    expect(comment).to_be_focused()
    comment.fill("出典の段落がもっと長いとよい")
    page.screenshot("feedback-form")
    turn.locator("button.send-feedback").click()
    expect(turn.locator(".action-status")).to_have_text("フィードバックをありがとうございました。")
    expect(turn.locator("button[data-rating=down]")).to_have_attribute("aria-pressed", "true")
    expect(turn.locator("button[data-rating=up]")).to_be_disabled()
    page.screenshot("feedback-sent")

    # Copy: the answer in Markdown with its numbered sources.
    turn.locator("button.copy-button").click()
    expect(turn.locator(".action-status")).to_have_text("コピーしました")
    copied = page.page.evaluate("navigator.clipboard.readText()")
    assert TRADE_ANSWER + "\n" in copied
    assert f"1. 2 日露関係 › (2) 経済 (テスト用の小さな章): 「{TRADE_QUOTE}」" in copied

    monkeypatch.setenv("BLUEBOOK_DATA_DIR", str(server.data_dir))
    out = tmp_path / "feedback.jsonl"
    get_settings.cache_clear()
    try:
        assert cli_main(["feedback", "export", "--out", str(out)]) == 0
    finally:
        get_settings.cache_clear()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["source"] == "web" and record["rating"] == "down"
    assert record["comment"] == "出典の段落がもっと長いとよい"
    assert record["question"] == TRADE and record["answer"] == TRADE_ANSWER and record["turn"] == 1
    assert record["turn_id"] == stored_session(server, page)["turns"][1]["turn_id"]


def test_an_unanswerable_question_shows_the_abstention(server: LiveServer,
                                                       open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url)
    page.open()
    turn = page.ask(UNANSWERABLE)
    expect(turn).to_have_class("turn assistant-turn abstained")
    expect(turn.locator(".abstained-label")).to_have_text("資料に記載なし")
    expect(turn.locator(".answer")).to_have_text("資料には該当する記述が見当たりません。")
    expect(turn.locator("button.citation")).to_have_count(0)
    expect(turn.locator(".sources")).to_be_hidden()
    page.screenshot("abstained")
    page.page.reload()  # a reloaded abstention is still shown as one
    expect(page.page.locator(".assistant-turn .abstained-label")).to_be_visible()


def test_english_browser_gets_the_english_page_and_an_english_question_the_english_frame(
        server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url, locale="en-US")
    page.open()
    assert page.page.evaluate("document.documentElement.lang") == "en"
    expect(page.page.locator("h1")).to_have_text("Diplomatic Bluebook Q&A")
    expect(page.page.locator("#send")).to_have_text("Send")
    expect(page.page.locator("#ask-hint")).to_have_text("Enter sends, Shift+Enter starts a new line")
    turn = page.ask("Did Finland join NATO?")
    expect(turn.locator(".answer")).to_contain_text("The documents say")  # the English frame
    expect(turn.locator(".answer")).to_contain_text("フィンランドのNATO加盟が実現した。")
    expect(turn.locator(".sources-title")).to_have_text("Sources")
    expect(turn.locator("button.copy-button")).to_have_text("Copy")
    page.screenshot("english")
    abstained = page.ask("What is the capital of Mars?")
    expect(abstained.locator(".abstained-label")).to_have_text("Not in the documents")


def test_a_375px_screen_has_no_horizontal_scroll(server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url, width=375, height=740)
    page.open()
    page.no_horizontal_scroll()
    turn = page.ask(TRADE)
    page.ask(FOLLOW_UP)
    page.no_horizontal_scroll()
    page.screenshot("narrow")
    turn.locator("button.citation").first.click()
    expect(page.page.locator("mark.quote-highlight")).to_be_in_viewport()
    page.no_horizontal_scroll()
    page.screenshot("narrow-passage")
    page.page.locator("#close-panel").click()
    page.page.locator("#recent summary").click()
    page.screenshot("narrow-recent")
    expect(page.page.locator("#recent-list")).to_be_in_viewport(ratio=1)
    page.no_horizontal_scroll()
    english = open_page(server.url, locale="en-US", width=375, height=740)  # longer labels in the header
    english.open()
    english.ask("Did Finland join NATO?")
    english.no_horizontal_scroll()
    english.screenshot("narrow-english")


def test_keyboard_only(server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url)
    page.open()
    keyboard = page.page.keyboard
    expect(page.page.locator("#question")).to_be_focused()  # the page starts in the question box
    keyboard.type("日本からの")
    keyboard.press("Shift+Enter")
    assert page.page.locator("#question").input_value() == "日本からの\n"
    keyboard.press("Backspace")
    keyboard.type("輸出額は？")
    keyboard.press("Enter")
    page.wait_for_answer()
    expect(page.page.locator("#question")).to_be_focused()
    expect(page.page.locator("#status")).to_have_text("回答が届きました。")

    def tab_to(selector: str, backwards: bool = False) -> None:
        for _ in range(40):
            keyboard.press("Shift+Tab" if backwards else "Tab")
            if page.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("button.citation", backwards=True)
    keyboard.press("Enter")
    expect(page.page.locator("mark.quote-highlight")).to_have_text("日本からロシアへの輸出額も減少した。")
    expect(page.page.locator("#panel-title")).to_be_focused()
    page.screenshot("keyboard-panel")
    keyboard.press("Escape")
    expect(page.page.locator("#passage-panel")).to_be_hidden()
    expect(page.page.locator("button.citation")).to_be_focused()  # focus returns to where it was

    tab_to("button[data-rating=up]")
    keyboard.press("Enter")
    expect(page.page.locator(".comment-input")).to_be_focused()
    keyboard.type("よい")
    tab_to("button.send-feedback")
    keyboard.press("Enter")
    expect(page.page.locator(".action-status")).to_have_text("フィードバックをありがとうございました。")
    assert len(server.app.state.session_store.feedback()) == 1

    tab_to("#recent summary", backwards=True)
    keyboard.press("Enter")
    expect(page.page.locator("#recent-list .recent-item")).to_have_count(1)
    tab_to("button.recent-item")
    keyboard.press("Escape")
    expect(page.page.locator("#recent-list")).to_be_hidden()
    expect(page.page.locator("#recent summary")).to_be_focused()


def test_errors_are_shown_with_what_to_do_and_the_question_is_kept(
        tmp_path: Path, open_page: Callable[..., PageDriver]) -> None:
    def no_index(_: Settings) -> QuestionAnswerer:
        raise IndexNotBuiltError("no index at var/index; run `bluebook-qa index`")

    with make_server(tmp_path, no_index) as server:
        page = open_page(server.url)
        page.open()
        page.ask(TRADE, wait=False)
        notice = page.page.locator("#notice")
        expect(notice).to_contain_text("サービスの準備ができていません")
        expect(notice).to_contain_text("run `bluebook-qa index`")
        expect(notice).to_have_attribute("role", "alert")
        expect(page.page.locator("#question")).to_have_value(TRADE)
        expect(page.page.locator("#question")).to_be_enabled()
        expect(page.page.locator(".turn")).to_have_count(0)
        page.screenshot("not-ready")

        # The network fails: the browser cannot reach the server at all.
        page.page.route("**/v1/chat/stream", lambda route: route.abort("connectionrefused"))
        page.page.locator("#question").fill(FOLLOW_UP)
        page.page.locator("#send").click()
        expect(notice).to_contain_text("サーバーに接続できません")
        expect(page.page.locator("#question")).to_have_value(FOLLOW_UP)
        page.screenshot("network-error")


def test_a_401_asks_for_an_api_key_once_and_sends_it_from_then_on(
        server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    page = open_page(server.url)
    page.open()  # the page itself is public
    key = server.app.state.key_store.create("web-test")  # from now on every /v1/* request needs a key
    page.ask(TRADE, wait=False)
    dialog = page.page.locator("#key-dialog")
    expect(dialog).to_be_visible()
    page.screenshot("api-key")
    page.page.locator("#key-input").fill("wrong")
    page.page.locator("#key-input").press("Enter")
    expect(page.page.locator("#key-message")).to_contain_text("受け付けられませんでした")
    page.page.locator("#key-input").fill(key)
    page.page.locator("#key-input").press("Enter")
    page.wait_for_answer()
    expect(page.page.locator(".assistant-turn .answer")).to_have_text(TRADE_ANSWER)
    assert page.page.evaluate("localStorage.getItem('bluebook-qa.api-key')") == key
    page.page.reload()  # the stored key is sent: no dialog, the conversation loads
    expect(page.page.locator(".user-turn .bubble")).to_have_text([TRADE])
    expect(dialog).to_be_hidden()
    sent: list[tuple[str, str | None]] = []
    page.page.on("request", lambda request: sent.append((request.url, request.headers.get("authorization"))))
    page.page.reload()
    expect(page.page.locator(".user-turn .bubble")).to_have_text([TRADE])
    api_calls = [authorization for url, authorization in sent if "/v1/" in url]
    assert api_calls and all(authorization == f"Bearer {key}" for authorization in api_calls)


def test_a_429_says_when_to_send_again_and_keeps_the_question(
        tmp_path: Path, tiny_answerer: QuestionAnswerer, open_page: Callable[..., PageDriver]) -> None:
    with make_server(tmp_path, lambda _: tiny_answerer, rate_limit="1/minute") as server:
        page = open_page(server.url)
        page.open()
        page.ask(TRADE)  # one request: the done event names the answer's turn, no session read is needed
        page.ask(FOLLOW_UP, wait=False)
        notice = page.page.locator("#notice")
        expect(notice).to_contain_text("リクエストが多すぎます")
        expect(notice).to_contain_text("秒後")
        expect(page.page.locator("#question")).to_have_value(FOLLOW_UP)
        expect(page.page.locator(".user-turn")).to_have_count(1)
        page.screenshot("rate-limited")


def ask_over_a_stubbed_stream(open_page: Callable[..., PageDriver], url: str,
                              events: list[tuple[str, str]]) -> tuple[PageDriver, Any]:
    """Open the page, answer its stream request with `events` (server-sent events), ask, and return the turn."""
    body = "".join(f"event: {name}\r\ndata: {data}\r\n\r\n" for name, data in events)
    page = open_page(url)
    page.open()
    page.page.route("**/v1/chat/stream", lambda route: route.fulfill(
        status=200, headers={"content-type": "text/event-stream; charset=utf-8"}, body=body))
    return page, page.ask("質問")


def test_citation_pages_and_short_answers_are_shown_when_the_api_gives_them(
        server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    """Fields other issues add (citation page, page_label, year; a short answer): shown when present."""
    citation = {"number": 1, "doc_id": "d", "title": "外交青書2024", "section_path": ["第2章", "第6節"],
                "section": "第2章 > 第6節", "passage_id": "no-such-passage", "quote": "引用文。", "start": 0, "end": 4,
                "page": 12, "page_label": "128", "year": 2024}
    events = [("token", "引用文。[1]"), ("citations", json.dumps([citation], ensure_ascii=False)),
              ("done", json.dumps({"session_id": "a" * 32, "answer": "引用文。[1]", "abstained": False,
                                   "language": "ja", "short_answer": "答えは短く"}, ensure_ascii=False))]
    page, turn = ask_over_a_stubbed_stream(open_page, server.url, events)
    expect(turn.locator(".short-answer")).to_have_text("要点: 答えは短く")
    expect(turn.locator(".citation-meta")).to_have_text("外交青書2024 · 2024 · 128 ページ")
    turn.locator("button.citation").click()
    expect(page.page.locator("#panel-meta")).to_have_text("外交青書2024 · 2024 · 128 ページ")
    expect(page.page.locator("#passage-text")).to_contain_text("見つかりません")  # a 404 passage is said so
    page.screenshot("extra-fields")


def test_a_short_answer_the_answer_already_leads_with_is_not_repeated(
        server: LiveServer, open_page: Callable[..., PageDriver]) -> None:
    text = "答えは短くです。「引用文。」[1]"
    citation = {"number": 1, "doc_id": "d", "title": "t", "section_path": ["s"], "section": "s",
                "passage_id": "p", "quote": "引用文。", "start": 0, "end": 4}
    events = [("token", text), ("citations", json.dumps([citation], ensure_ascii=False)),
              ("done", json.dumps({"session_id": "a" * 32, "answer": text, "abstained": False, "language": "ja",
                                   "short_answer": "答えは短く"}, ensure_ascii=False))]
    page, turn = ask_over_a_stubbed_stream(open_page, server.url, events)
    expect(turn.locator(".answer")).to_contain_text("答えは短くです。")
    expect(turn.locator(".short-answer")).to_be_hidden()
    page.screenshot("short-answer-not-repeated")


def test_feedback_names_the_answer_by_its_turn_id_even_after_old_turns_are_trimmed(
        tmp_path: Path, tiny_answerer: QuestionAnswerer, open_page: Callable[..., PageDriver]) -> None:
    with make_server(tmp_path, lambda _: tiny_answerer, session_max_turns=2) as server:
        page = open_page(server.url)
        page.open()
        first = page.ask(TRADE)
        second = page.ask(FOLLOW_UP)  # the session keeps 2 turns: the first exchange is gone
        second.locator("button[data-rating=up]").click()
        second.locator("button.send-feedback").click()
        expect(second.locator(".action-status")).to_have_text("フィードバックをありがとうございました。")
        first.locator("button[data-rating=down]").click()
        first.locator("button.send-feedback").click()
        expect(first.locator(".action-status")).to_have_text("この回答はもう保存されていないため、評価できません。")
        page.screenshot("trimmed")
        records = server.app.state.session_store.feedback()
        assert [(r["rating"], r["question"], r["turn"]) for r in records] == [("up", FOLLOW_UP, 1)]


@pytest.mark.slow
def test_the_real_model_answers_in_the_page_and_its_citation_opens_at_the_quote(
        tmp_path: Path, real_answerer: QuestionAnswerer, open_page: Callable[..., PageDriver]) -> None:
    with make_server(tmp_path, lambda _: real_answerer) as server:
        page = open_page(server.url, width=1200, height=720)
        page.open()
        turn = page.ask("2023年にNATOに加盟した国は？")
        expect(turn.locator(".answer")).to_contain_text("フィンランド")
        expect(turn.locator(".abstained-label")).to_be_hidden()
        citations = stored_session(server, page)["turns"][1]["citations"]
        assert citations
        turn.locator("button.citation").first.click()
        highlight = page.page.locator("mark.quote-highlight")
        expect(highlight).to_have_text(citations[0]["quote"])
        expect(highlight).to_be_in_viewport()
        page.screenshot("real-answer")

        english = page.ask("Which country joined NATO in 2023?")
        expect(english.locator(".answer")).to_contain_text("フィンランド")
        stored = stored_session(server, page)["turns"][3]["content"]
        assert "The documents say" in stored  # the English frame around the Japanese quote, as the service words it
        expect(english.locator(".answer")).to_have_text(stored)
        page.screenshot("real-english", full_page=True)
