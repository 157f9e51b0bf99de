// The web chat page. It is an adapter like the others: it talks to the HTTP API only
// (/v1/chat/stream, /v1/sessions/{id}, /v1/passages/{id}, /v1/feedback) and keeps its state in localStorage.
"use strict";

const STORAGE = {
  session: "bluebook-qa.session",
  recent: "bluebook-qa.recent",
  apiKey: "bluebook-qa.api-key",
};
const MAX_RECENT = 20;

const TEXT = {
  ja: {
    title: "外交青書 Q&A",
    skipToQuestion: "質問欄へ移動",
    conversationsNav: "会話",
    conversationLabel: "会話",
    newConversation: "新しい会話",
    recentConversations: "最近の会話",
    noRecent: "まだ会話はありません",
    intro: "外交青書の本文から、原文の引用付きで答えます。日本語か英語で質問してください。",
    questionLabel: "質問",
    questionPlaceholder: "例：2023年にNATOに加盟した国は？",
    send: "送信",
    hint: "Enter で送信、Shift+Enter で改行",
    you: "あなた",
    assistant: "回答",
    answering: "回答を作成しています…",
    answered: "回答が届きました。",
    abstained: "資料に記載なし",
    shortAnswer: "要点",
    sources: "出典",
    openCitation: (n) => `出典 ${n} を開く`,
    page: (p) => `${p} ページ`,
    closePanel: "閉じる",
    openPassage: "この段落を単独で開く",
    passageLoading: "段落を読み込んでいます…",
    passageMissing: "この段落は見つかりません（索引が作り直された可能性があります）。",
    quoteNotFound: "引用箇所を段落内で特定できませんでした。",
    copy: "コピー",
    copied: "コピーしました",
    copyFailed: "コピーできませんでした",
    good: "役に立った",
    bad: "役に立たなかった",
    commentLabel: "コメント（任意）",
    sendFeedback: "フィードバックを送信",
    cancel: "キャンセル",
    thanks: "フィードバックをありがとうございました。",
    feedbackUnavailable: "この回答はもう保存されていないため、評価できません。",
    apiKeyTitle: "API キー",
    apiKeyPrompt: "このサーバーには API キーが必要です。キーを入力してください（このブラウザーに保存されます）。",
    apiKeyRejected: "API キーが受け付けられませんでした。正しいキーを入力してください。",
    save: "保存",
    needKey: "API キーがないため送信できませんでした。もう一度送信するとキーを入力できます。",
    notReady: (detail) => `サービスの準備ができていません（${detail}）。しばらく待ってから、もう一度送信してください。`
      + "サーバーを起動した人は make run のログを確認してください。",
    networkError: "サーバーに接続できません。サーバーが動いているか（make run）とネットワークを確認して、もう一度送信してください。",
    badRequest: (detail) => `質問を送れませんでした：${detail}。質問を直して、もう一度送信してください。`,
    streamError: (detail) => `回答の途中でエラーが起きました（${detail}）。もう一度送信してください。`,
    sessionGone: "この会話は期限切れか削除されたため、新しい会話を始めました。もう一度送信してください。",
    conversationGone: "この会話は期限切れか削除されました。新しい会話を始めてください。",
    serverError: (status) => `サーバーでエラーが起きました（HTTP ${status}）。しばらく待ってから、もう一度送信してください。`,
    rateLimited: (seconds) => `リクエストが多すぎます。${seconds ? `${seconds} 秒後に` : "少し待ってから"}、もう一度送信してください。`,
    loadFailed: "会話を読み込めませんでした。再読み込みしてください。",
    passageView: "段落",
  },
  en: {
    title: "Diplomatic Bluebook Q&A",
    skipToQuestion: "Skip to the question box",
    conversationsNav: "Conversations",
    conversationLabel: "Conversation",
    newConversation: "New conversation",
    recentConversations: "Recent conversations",
    noRecent: "No conversations yet",
    intro: "Answers come from the Diplomatic Bluebook, with the original text quoted. Ask in English or Japanese.",
    questionLabel: "Question",
    questionPlaceholder: "e.g. Which country joined NATO in 2023?",
    send: "Send",
    hint: "Enter sends, Shift+Enter starts a new line",
    you: "You",
    assistant: "Answer",
    answering: "Writing the answer…",
    answered: "The answer has arrived.",
    abstained: "Not in the documents",
    shortAnswer: "In short",
    sources: "Sources",
    openCitation: (n) => `Open source ${n}`,
    page: (p) => `p. ${p}`,
    closePanel: "Close",
    openPassage: "Open this passage on its own",
    passageLoading: "Loading the passage…",
    passageMissing: "This passage was not found (the index may have been rebuilt).",
    quoteNotFound: "The quoted span could not be located in the passage.",
    copy: "Copy",
    copied: "Copied",
    copyFailed: "Could not copy",
    good: "Helpful",
    bad: "Not helpful",
    commentLabel: "Comment (optional)",
    sendFeedback: "Send feedback",
    cancel: "Cancel",
    thanks: "Thank you for the feedback.",
    feedbackUnavailable: "This answer is no longer kept, so it cannot be rated.",
    apiKeyTitle: "API key",
    apiKeyPrompt: "This server needs an API key. Enter your key (it is kept in this browser).",
    apiKeyRejected: "The API key was not accepted. Enter a valid key.",
    save: "Save",
    needKey: "Not sent: an API key is needed. Send again to enter one.",
    notReady: (detail) => `The service is not ready (${detail}). Wait a little and send again; `
      + "whoever runs the server should check the make run log.",
    networkError: "Cannot reach the server. Check that it is running (make run) and your network, then send again.",
    badRequest: (detail) => `The question could not be sent: ${detail}. Fix it and send again.`,
    streamError: (detail) => `The answer failed part-way (${detail}). Please send again.`,
    sessionGone: "This conversation expired or was deleted, so a new one was started. Please send again.",
    conversationGone: "This conversation expired or was deleted. Start a new one.",
    serverError: (status) => `The server failed (HTTP ${status}). Wait a little and send again.`,
    rateLimited: (seconds) => `Too many requests. Send again ${seconds ? `in ${seconds} s` : "in a little while"}.`,
    loadFailed: "The conversation could not be loaded. Please reload the page.",
    passageView: "Passage",
  },
};

// Japanese unless the browser prefers English over Japanese.
function pickLanguage(languages) {
  for (const tag of languages || []) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("en")) return "en";
    if (lower.startsWith("ja")) return "ja";
  }
  return "ja";
}

const LANG = pickLanguage(navigator.languages && navigator.languages.length ? navigator.languages
  : [navigator.language]);
const T = TEXT[LANG];

const $ = (id) => document.getElementById(id);
const state = { sessionId: null, busy: false, panelTrigger: null, panelRequest: 0 };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function applyLanguage() {
  document.documentElement.lang = LANG;
  document.title = T.title;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = T[node.dataset.i18n];
  for (const node of document.querySelectorAll("[data-i18n-label]")) {
    node.setAttribute("aria-label", T[node.dataset.i18nLabel]);
  }
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.setAttribute("placeholder", T[node.dataset.i18nPlaceholder]);
  }
}

// ---- storage ------------------------------------------------------------------------------------------

function storageGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function storageSet(key, value) {
  try {
    if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
  } catch { /* private mode: the page still works, it just forgets */ }
}

function recentConversations() {
  try {
    const list = JSON.parse(storageGet(STORAGE.recent) || "[]");
    return Array.isArray(list) ? list.filter((item) => item && typeof item.id === "string") : [];
  } catch { return []; }
}

function rememberConversation(id, title) {
  const list = recentConversations();
  const existing = list.find((item) => item.id === id);
  const entry = { id, title: (existing && existing.title) || title || id, updated: Date.now() };
  const rest = list.filter((item) => item.id !== id);
  storageSet(STORAGE.recent, JSON.stringify([entry, ...rest].slice(0, MAX_RECENT)));
  renderRecent();
}

function forgetConversation(id) {
  storageSet(STORAGE.recent, JSON.stringify(recentConversations().filter((item) => item.id !== id)));
  renderRecent();
}

function renderRecent() {
  const list = $("recent-list");
  list.replaceChildren();
  const items = recentConversations();
  if (!items.length) {
    list.append(element("li", { class: "recent-empty", text: T.noRecent }));
    return;
  }
  for (const item of items) {
    const when = new Date(item.updated).toLocaleString(LANG === "en" ? "en" : "ja");
    list.append(element("li", {},
      element("button", {
        type: "button", class: "recent-item", "data-session": item.id,
        "aria-current": item.id === state.sessionId ? "true" : null,
        onclick: () => { $("recent").open = false; openConversation(item.id); },
      }, element("span", { class: "recent-title", text: item.title }),
      element("span", { class: "recent-time", text: when }))));
  }
}

// ---- HTTP ---------------------------------------------------------------------------------------------

class NetworkError extends Error {}

function askForApiKey(rejected) {
  const dialog = $("key-dialog");
  $("key-message").textContent = rejected ? T.apiKeyRejected : T.apiKeyPrompt;
  $("key-input").value = "";
  return new Promise((resolve) => {
    const finish = (key) => {
      dialog.removeEventListener("close", onClose);
      $("key-cancel").removeEventListener("click", onCancel);
      if (dialog.open) dialog.close();
      resolve(key);
    };
    const onClose = () => finish(dialog.returnValue === "save" ? $("key-input").value.trim() || null : null);
    const onCancel = () => { dialog.returnValue = ""; finish(null); };
    dialog.addEventListener("close", onClose);
    $("key-cancel").addEventListener("click", onCancel);
    dialog.returnValue = "";
    dialog.showModal();
    $("key-input").focus();
  });
}

// Every request goes through here: once the server says 401, ask for an API key, keep it, send it from then on.
async function api(path, options = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const headers = new Headers(options.headers || {});
    const key = storageGet(STORAGE.apiKey);
    if (key) headers.set("Authorization", `Bearer ${key}`);
    let response;
    try {
      response = await fetch(path, { ...options, headers });
    } catch (error) {
      throw new NetworkError(String(error && error.message || error));
    }
    if (response.status !== 401 || attempt >= 3) return response;
    const newKey = await askForApiKey(Boolean(key));
    if (!newKey) return response;
    storageSet(STORAGE.apiKey, newKey);
  }
}

async function errorDetail(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((item) => item.msg || JSON.stringify(item)).join("; ");
    return JSON.stringify(body);
  } catch {
    return `HTTP ${response.status}`;
  }
}

// Server-Sent Events from a fetch body (EventSource cannot POST).
async function* serverSentEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  let text = "";
  const parse = (block) => {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    return data.length ? { event: name, data: data.join("\n") } : null;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    // A "\r" at the end may be the first half of "\r\n": keep it for the next chunk.
    const cut = pending.endsWith("\r") ? pending.length - 1 : pending.length;
    text += pending.slice(0, cut).replace(/\r\n?/g, "\n");
    pending = pending.slice(cut);
    let boundary;
    while ((boundary = text.indexOf("\n\n")) >= 0) {
      const event = parse(text.slice(0, boundary));
      text = text.slice(boundary + 2);
      if (event) yield event;
    }
  }
  const last = parse((text + pending).replace(/\r\n?/g, "\n"));
  if (last) yield last;
}

// ---- rendering ----------------------------------------------------------------------------------------

function pageOf(citation) {
  const label = citation.page_label ?? citation.page;
  return label === null || label === undefined || label === "" ? null : String(label);
}

function sectionOf(citation) {
  if (Array.isArray(citation.section_path) && citation.section_path.length) return citation.section_path.join(" › ");
  return citation.section || "";
}

// The answer text with each [n] that has a citation turned into a button opening that citation.
function renderAnswerText(container, text, citations) {
  const byNumber = new Map((citations || []).map((c) => [String(c.number), c]));
  container.replaceChildren();
  const pattern = /\[(\d+)\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    container.append(text.slice(last, match.index));
    const citation = byNumber.get(match[1]);
    if (citation) {
      container.append(element("button", {
        type: "button", class: "marker", "data-number": match[1], "aria-label": T.openCitation(match[1]),
        onclick: (event) => openPassage(citation, event.currentTarget),
      }, `[${match[1]}]`));
    } else {
      container.append(match[0]);
    }
    last = match.index + match[0].length;
  }
  container.append(text.slice(last));
}

// Document title, year and page (PDFs), whichever the API gives.
function metaLine(source) {
  const page = pageOf(source);
  return [source.title, source.year, page ? T.page(page) : null]
    .filter((part) => part !== null && part !== undefined && part !== "").join(" · ");
}

function renderCitations(list, citations) {
  list.replaceChildren();
  list.hidden = !citations.length;
  if (!citations.length) return;
  list.append(element("h3", { class: "sources-title", text: T.sources }));
  const items = element("ol", { class: "citation-list" });
  for (const citation of citations) {
    const meta = metaLine(citation);
    items.append(element("li", {},
      element("button", {
        type: "button", class: "citation", "data-number": String(citation.number),
        "aria-label": `${T.openCitation(citation.number)}: ${sectionOf(citation)}`,
        onclick: (event) => openPassage(citation, event.currentTarget),
      },
      element("span", { class: "citation-number", text: `[${citation.number}]` }),
      element("span", { class: "citation-body" },
        element("span", { class: "citation-section", text: sectionOf(citation) }),
        element("span", { class: "citation-meta", text: meta }),
        element("q", { class: "citation-quote", text: citation.quote })))));
  }
  list.append(items);
}

function addUserTurn(text) {
  const item = element("li", { class: "turn user-turn" },
    element("p", { class: "speaker visually-hidden", text: T.you }),
    element("p", { class: "bubble", text }));
  $("conversation").append(item);
  return item;
}

// One assistant turn; `update` fills it as the stream goes and when it is done.
function addAssistantTurn() {
  const shortAnswer = element("p", { class: "short-answer", hidden: true });
  const abstainedLabel = element("p", { class: "abstained-label", hidden: true, text: T.abstained });
  const answer = element("div", { class: "answer", "aria-live": "polite", "aria-busy": "true" });
  const sources = element("div", { class: "sources", hidden: true });
  const actions = element("div", { class: "actions", hidden: true });
  const item = element("li", { class: "turn assistant-turn" },
    element("p", { class: "speaker visually-hidden", text: T.assistant }),
    shortAnswer, abstainedLabel, answer, sources, actions);
  $("conversation").append(item);
  // turnId (stable) or turnIndex (position in the session) names the answer when it is rated.
  const turn = { item, text: "", citations: [], abstained: false, shortAnswer: null, turnId: null, turnIndex: null };

  turn.append = (piece) => {
    turn.text += piece;
    renderAnswerText(answer, turn.text, []);
    scrollToBottom();
  };
  turn.finish = ({ text, citations, abstained, shortAnswer: short }) => {
    if (typeof text === "string" && text) turn.text = text;
    turn.citations = citations || [];
    turn.abstained = Boolean(abstained);
    turn.shortAnswer = typeof short === "string" && short.trim() ? short.trim() : null;
    renderAnswerText(answer, turn.text, turn.citations);
    answer.setAttribute("aria-busy", "false");
    item.classList.toggle("abstained", turn.abstained);
    abstainedLabel.hidden = !turn.abstained;
    // The extractive answer already leads with its short answer ("フィンランドです。「…」"): shown once, not twice.
    shortAnswer.hidden = !turn.shortAnswer || turn.text.trimStart().startsWith(turn.shortAnswer);
    shortAnswer.replaceChildren(element("span", { class: "short-answer-label", text: `${T.shortAnswer}: ` }),
      turn.shortAnswer || "");
    sources.hidden = !turn.citations.length;
    renderCitations(sources, turn.citations);
    renderActions(actions, turn);
    actions.hidden = false;
  };
  turn.fail = () => {
    answer.setAttribute("aria-busy", "false");
    item.remove();
  };
  return turn;
}

function scrollToBottom() {
  const last = $("conversation").lastElementChild;
  if (last) last.scrollIntoView({ block: "end" });
}

// ---- copy and feedback --------------------------------------------------------------------------------

function answerAsMarkdown(turn) {
  const lines = [];
  if (turn.shortAnswer) lines.push(`**${turn.shortAnswer}**`, "");
  lines.push(turn.text.trim());
  if (turn.citations.length) {
    lines.push("", `**${T.sources}**`, "");
    for (const c of turn.citations) {
      const page = pageOf(c);
      const where = [c.title, page ? T.page(page) : null].filter(Boolean).join(", ");
      // "1. " rather than "[1]: ", which Markdown would swallow as a link reference definition.
      lines.push(`${c.number}. ${sectionOf(c)}${where ? ` (${where})` : ""}: 「${c.quote}」`);
    }
  }
  return lines.join("\n") + "\n";
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = element("textarea", { class: "visually-hidden" });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

function renderActions(actions, turn) {
  const status = element("span", { class: "action-status", role: "status" });
  const copy = element("button", {
    type: "button", class: "plain-button copy-button", text: T.copy,
    onclick: async () => { status.textContent = (await copyText(answerAsMarkdown(turn))) ? T.copied : T.copyFailed; },
  });
  const up = element("button", { type: "button", class: "plain-button rate-button", "data-rating": "up",
    "aria-label": T.good, title: T.good, "aria-pressed": "false", text: "👍" });
  const down = element("button", { type: "button", class: "plain-button rate-button", "data-rating": "down",
    "aria-label": T.bad, title: T.bad, "aria-pressed": "false", text: "👎" });
  const commentId = `comment-${Math.random().toString(36).slice(2)}`;
  const comment = element("textarea", { id: commentId, class: "comment-input", rows: "2", maxlength: "2000" });
  const form = element("form", { class: "feedback-form", hidden: true },
    element("label", { for: commentId, text: T.commentLabel }), comment,
    element("div", { class: "feedback-buttons" },
      element("button", { type: "submit", class: "send-feedback", text: T.sendFeedback }),
      element("button", { type: "button", class: "plain-button", text: T.cancel,
        onclick: () => { form.hidden = true; choose(null); up.focus(); } })));
  let rating = null;
  const choose = (value) => {
    rating = value;
    up.setAttribute("aria-pressed", String(value === "up"));
    down.setAttribute("aria-pressed", String(value === "down"));
  };
  for (const button of [up, down]) {
    button.addEventListener("click", () => {
      if ((!turn.turnId && turn.turnIndex === null) || !turn.sessionId) {
        status.textContent = T.feedbackUnavailable;
        return;
      }
      choose(button.dataset.rating);
      form.hidden = false;
      comment.focus();
    });
  }
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.stopPropagation(); form.hidden = true; choose(null); up.focus(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!rating) return;
    const body = { session_id: turn.sessionId, rating, comment: comment.value || null };
    if (turn.turnId) body.turn_id = turn.turnId; else body.turn = turn.turnIndex;
    try {
      const response = await api("/v1/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (response.ok) {
        form.hidden = true;
        up.disabled = true;
        down.disabled = true;
        status.textContent = T.thanks;
        copy.focus();
      } else if (response.status === 404) {
        status.textContent = T.feedbackUnavailable;
      } else {
        status.textContent = await errorDetail(response);
      }
    } catch (error) {
      status.textContent = error instanceof NetworkError ? T.networkError : String(error);
    }
  });
  actions.replaceChildren(copy, up, down, status, form);
}

// ---- the passage panel --------------------------------------------------------------------------------

function fillPassage(target, passage, citation) {
  const text = passage.text;
  let from = citation ? citation.start - passage.start : -1;
  let to = citation ? citation.end - passage.start : -1;
  if (citation && text.slice(from, to) !== citation.quote) {
    // Spans are offsets in the cleaned document; if they ever disagree, the verbatim quote still finds itself.
    from = text.indexOf(citation.quote);
    to = from < 0 ? -1 : from + citation.quote.length;
  }
  target.replaceChildren();
  if (from < 0) {
    target.append(text);
    if (citation) target.append(element("p", { class: "panel-warning", text: T.quoteNotFound }));
    return null;
  }
  const mark = element("mark", { class: "quote-highlight", text: text.slice(from, to) });
  target.append(text.slice(0, from), mark, text.slice(to));
  return mark;
}

function passageHref(passageId, citation) {
  const params = new URLSearchParams({ passage: passageId });
  if (citation) {
    params.set("start", String(citation.start));
    params.set("end", String(citation.end));
  }
  return `/?${params}`;
}

async function openPassage(citation, trigger) {
  const panel = $("passage-panel");
  state.panelTrigger = trigger || null;
  $("panel-title").textContent = `[${citation.number}] ${sectionOf(citation)}`;
  $("panel-meta").textContent = metaLine(citation);
  $("passage-text").textContent = T.passageLoading;
  state.panelRequest += 1;
  const request = state.panelRequest;
  $("passage-link").href = passageHref(citation.passage_id, citation);
  $("passage-json").href = `/v1/passages/${encodeURIComponent(citation.passage_id)}`;
  panel.hidden = false;
  document.body.classList.add("panel-open");
  $("panel-title").focus();
  try {
    const response = await api(`/v1/passages/${encodeURIComponent(citation.passage_id)}`);
    const passage = response.ok ? await response.json() : null;
    if (request !== state.panelRequest) return;  // another citation was opened meanwhile
    if (!passage) {
      $("passage-text").textContent = response.status === 404 ? T.passageMissing : await errorDetail(response);
      return;
    }
    const mark = fillPassage($("passage-text"), passage, citation);
    if (mark) mark.scrollIntoView({ block: "center" });
  } catch (error) {
    $("passage-text").textContent = error instanceof NetworkError ? T.networkError : String(error);
  }
}

function closePassage() {
  const panel = $("passage-panel");
  if (panel.hidden) return;
  panel.hidden = true;
  document.body.classList.remove("panel-open");
  if (state.panelTrigger && state.panelTrigger.isConnected) state.panelTrigger.focus();
  state.panelTrigger = null;
}

// `/?passage=ID[&start=S&end=E]`: one passage on its own page, the span highlighted.
async function showPassageOnly(passageId, params) {
  document.body.classList.add("passage-only");
  $("chat").hidden = true;
  $("close-panel").hidden = true;
  $("passage-link").hidden = true;
  $("passage-json").href = `/v1/passages/${encodeURIComponent(passageId)}`;
  const panel = $("passage-panel");
  panel.hidden = false;
  $("panel-title").textContent = T.passageView;
  $("passage-text").textContent = T.passageLoading;
  try {
    const response = await api(`/v1/passages/${encodeURIComponent(passageId)}`);
    if (!response.ok) {
      $("passage-text").textContent = response.status === 404 ? T.passageMissing : await errorDetail(response);
      return;
    }
    const passage = await response.json();
    $("panel-title").textContent = sectionOf(passage) || passage.passage_id;
    $("panel-meta").textContent = metaLine(passage);
    document.title = `${sectionOf(passage)} — ${T.title}`;
    const start = Number(params.get("start"));
    const end = Number(params.get("end"));
    const span = params.has("start") && params.has("end") && Number.isInteger(start) && Number.isInteger(end)
      && start >= passage.start && end <= passage.end && start < end
      ? { start, end, quote: passage.text.slice(start - passage.start, end - passage.start) } : null;
    const mark = fillPassage($("passage-text"), passage, span);
    if (mark) mark.scrollIntoView({ block: "center" });
  } catch (error) {
    $("passage-text").textContent = error instanceof NetworkError ? T.networkError : String(error);
  }
}

// ---- conversations ------------------------------------------------------------------------------------

function showNotice(message) {
  const notice = $("notice");
  notice.textContent = message || "";
  notice.hidden = !message;
}

function setBusy(busy) {
  state.busy = busy;
  $("question").disabled = busy;
  $("send").disabled = busy;
  $("ask-form").setAttribute("aria-busy", String(busy));
  $("status").textContent = busy ? T.answering : "";
}

function setSession(id) {
  state.sessionId = id;
  storageSet(STORAGE.session, id);
}

function startNewConversation() {
  if (state.busy) return;
  setSession(null);
  $("conversation").replaceChildren();
  $("intro").hidden = false;
  showNotice("");
  closePassage();
  renderRecent();
  $("question").focus();
}

// The answer just streamed, when the done event did not name it: its turn id from the stored session.
async function learnTurnId(turn, sessionId) {
  try {
    const response = await api(`/v1/sessions/${sessionId}`);
    if (!response.ok) return;
    const session = await response.json();
    const index = session.turns.map((t) => t.role).lastIndexOf("assistant");
    if (index < 0) return;
    turn.turnIndex = index;
    turn.turnId = session.turns[index].turn_id || null;
  } catch { /* feedback will say it is unavailable */ }
}

async function openConversation(id) {
  if (state.busy) return;
  closePassage();
  showNotice("");
  let response;
  try {
    response = await api(`/v1/sessions/${encodeURIComponent(id)}`);
  } catch {
    showNotice(T.networkError);
    return;
  }
  if (response.status === 404 || response.status === 422) {
    forgetConversation(id);
    if (state.sessionId === id) setSession(null);
    $("conversation").replaceChildren();
    $("intro").hidden = false;
    showNotice(T.conversationGone);
    return;
  }
  if (!response.ok) {
    showNotice(response.status === 503 ? T.notReady(await errorDetail(response)) : T.loadFailed);
    return;
  }
  const session = await response.json();
  setSession(session.session_id);
  $("conversation").replaceChildren();
  $("intro").hidden = session.turns.length > 0;
  session.turns.forEach((stored, index) => {
    if (stored.role === "user") {
      addUserTurn(stored.content);
      return;
    }
    const turn = addAssistantTurn();
    turn.sessionId = session.session_id;
    turn.turnIndex = index;
    turn.turnId = stored.turn_id || null;
    // Sessions keep the text and citations; an answer without a citation is an abstention.
    turn.finish({ text: stored.content, citations: stored.citations || [],
      abstained: !(stored.citations || []).length, shortAnswer: stored.short_answer });
  });
  const firstQuestion = session.turns.find((t) => t.role === "user");
  if (firstQuestion) rememberConversation(session.session_id, firstQuestion.content.slice(0, 80));
  renderRecent();
  scrollToBottom();
}

async function ask(question) {
  setBusy(true);
  showNotice("");
  $("intro").hidden = true;
  const questionBox = $("question");
  const userItem = addUserTurn(question);
  const turn = addAssistantTurn();
  questionBox.value = "";
  let failure = null;
  let done = null;
  let citations = [];
  let sessionId = state.sessionId;
  let sessionGone = false;
  try {
    const response = await api("/v1/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(sessionId ? { session_id: sessionId, message: question } : { message: question }),
    });
    if (response.status === 404 && sessionId) {
      forgetConversation(sessionId);
      setSession(null);
      sessionGone = true;
      failure = T.sessionGone;
    } else if (response.status === 401) {
      failure = T.needKey;
    } else if (response.status === 429) {
      failure = T.rateLimited(response.headers.get("Retry-After"));
    } else if (response.status === 503) {
      failure = T.notReady(await errorDetail(response));
    } else if (response.status >= 400 && response.status < 500) {
      failure = T.badRequest(await errorDetail(response));
    } else if (!response.ok) {
      failure = T.serverError(response.status);
    } else {
      for await (const event of serverSentEvents(response)) {
        if (event.event === "token") turn.append(event.data);
        else if (event.event === "citations") citations = JSON.parse(event.data);
        else if (event.event === "done") done = JSON.parse(event.data);
        else if (event.event === "error") {
          let detail = event.data;
          try { detail = JSON.parse(event.data).message || detail; } catch { /* plain text */ }
          failure = T.streamError(detail);
        }
      }
      if (!failure && !done) failure = T.streamError("the connection closed early");
    }
  } catch (error) {
    failure = error instanceof NetworkError ? T.networkError : T.streamError(String(error));
  }

  if (failure) {
    turn.fail();
    userItem.remove();
    if (sessionGone) $("conversation").replaceChildren();
    if (!$("conversation").children.length) $("intro").hidden = false;
    // The question is not lost: it goes back in the box.
    questionBox.value = question;
    setBusy(false);
    showNotice(failure);
    questionBox.focus();
    return;
  }
  sessionId = done.session_id;
  setSession(sessionId);
  turn.sessionId = sessionId;
  turn.finish({ text: done.answer, citations, abstained: done.abstained, shortAnswer: done.short_answer });
  rememberConversation(sessionId, question.slice(0, 80));
  if (typeof done.turn_id === "string" && done.turn_id) turn.turnId = done.turn_id;
  else await learnTurnId(turn, sessionId);  // a server whose done event does not name the turn
  setBusy(false);
  $("status").textContent = T.answered;
  questionBox.focus();
}

// ---- wiring -------------------------------------------------------------------------------------------

function wire() {
  const questionBox = $("question");
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = questionBox.value.trim();
    if (!question || state.busy) return;
    ask(question);
  });
  questionBox.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line; Enter while composing Japanese (IME) only confirms the text.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      $("ask-form").requestSubmit();
    }
  });
  $("new-conversation").addEventListener("click", startNewConversation);
  $("close-panel").addEventListener("click", closePassage);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if ($("recent").open) {
      $("recent").open = false;
      $("recent").querySelector("summary").focus();
    } else if (!$("passage-panel").hidden && !document.body.classList.contains("passage-only")) {
      closePassage();
    }
  });
  $("recent").addEventListener("toggle", renderRecent);
}

async function start() {
  applyLanguage();
  const params = new URLSearchParams(window.location.search);
  if (params.has("passage")) {
    await showPassageOnly(params.get("passage"), params);
  } else {
    wire();
    renderRecent();
    const saved = storageGet(STORAGE.session);
    if (saved && /^[0-9a-f]{32}$/.test(saved)) await openConversation(saved);
    $("question").focus();
  }
  document.body.dataset.ready = "true";  // tests wait for this
}

start();
