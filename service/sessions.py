"""Conversations that survive restarts: one store interface, SQLite by default, Redis for shared replicas.

A session keeps its turns (user questions and assistant answers with their citations, so it can be replayed
exactly), bounded in turns and characters, and expires after a configurable idle time. `SessionChatHistory`
exposes a session through LangChain's chat-message-history interface.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from index.errors import BluebookError

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


class SessionNotFoundError(BluebookError):
    """No live session has this id (never created, deleted, or expired)."""


class SessionStoreError(BluebookError):
    """The session store cannot be reached or is misconfigured."""


Method = TypeVar("Method", bound=Callable[..., Any])


def backend_errors_as_store_errors(method: Method) -> Method:
    """A failing database or Redis during a request is the store's unavailability (a 503), not a bug (a 500)."""
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except self.backend_errors as exc:
            raise SessionStoreError(f"the session store failed: {type(exc).__name__}: {exc}") from exc

    return wrapper  # type: ignore[return-value]


def new_turn_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class StoredTurn:
    role: str  # "user" | "assistant"
    content: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    created_at: float = 0.0
    # Stable across trimming (a position is not: it shifts when old turns are dropped); buttons point at it.
    turn_id: str = field(default_factory=new_turn_id)


@dataclass(frozen=True)
class Session:
    session_id: str
    created_at: float
    updated_at: float
    turns: list[StoredTurn]


@dataclass(frozen=True)
class SessionLimits:
    """What a session keeps: the newest `max_turns` turns of at most `max_chars` characters in all."""

    max_turns: int = 50
    max_chars: int = 50_000
    idle_ttl_seconds: int = 7 * 24 * 3600

    def __post_init__(self) -> None:
        if self.max_turns < 2:
            raise ValueError(f"max_turns must be >= 2, got {self.max_turns}")
        if self.max_chars < 100:
            raise ValueError(f"max_chars must be >= 100, got {self.max_chars}")
        if self.idle_ttl_seconds < 1:
            raise ValueError(f"idle_ttl_seconds must be >= 1, got {self.idle_ttl_seconds}")


def new_session_id() -> str:
    return uuid.uuid4().hex


def trim_turns(turns: list[StoredTurn], limits: SessionLimits) -> list[StoredTurn]:
    """Drop the oldest turns until the bounds hold; the newest turn is always kept."""
    kept = turns[-limits.max_turns:]
    while len(kept) > 1 and sum(len(t.content) for t in kept) > limits.max_chars:
        kept = kept[1:]
    return kept


class SessionStore(Protocol):
    limits: SessionLimits

    def create(self) -> str: ...

    def get(self, session_id: str) -> Session | None: ...

    def append(self, session_id: str, turns: list[StoredTurn]) -> None: ...

    def delete(self, session_id: str) -> bool: ...

    def close(self) -> None: ...

    def claim_event(self, key: str, lease_seconds: int = 120) -> bool:
        """Claim a key (a Slack message) for answering: True when it is neither answered nor claimed by a live
        lease. An unfinished claim lapses after `lease_seconds`, so a replica that died mid-answer loses nothing."""
        ...

    def finish_event(self, key: str, keep_seconds: int = 86400) -> None:
        """Mark a claimed key answered: no retry of it is answered again for `keep_seconds`."""
        ...

    def release_event(self, key: str) -> None:
        """Give up an unfinished claim (answering failed), so a retry of the event is answered."""
        ...

    def session_for_key(self, key: str) -> str:
        """The session mapped to an external key (a Slack thread), created when missing or expired."""
        ...

    def add_feedback(self, record: dict[str, Any]) -> None: ...

    def feedback(self) -> list[dict[str, Any]]: ...


class SQLiteSessionStore:
    """Sessions in one SQLite file (WAL): embedded, nothing to run, survives restarts."""

    backend_errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, limits: SessionLimits | None = None, clock: Any = time.time,
                 purge_interval_seconds: float = 600) -> None:
        self.limits = limits or SessionLimits()
        self.clock = clock
        self.purge_interval_seconds = purge_interval_seconds
        self._last_purge = float("-inf")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # re-entrant: append reads through get() inside its transaction
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript("""
                CREATE TABLE IF NOT EXISTS sessions (
                    id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS turns (
                    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,
                    citations TEXT NOT NULL, created_at REAL NOT NULL, turn_id TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (session_id, position));
                CREATE TABLE IF NOT EXISTS slack_events (
                    key TEXT PRIMARY KEY, created_at REAL NOT NULL, expires_at REAL NOT NULL,
                    state TEXT NOT NULL DEFAULT 'answered');
                CREATE INDEX IF NOT EXISTS slack_events_expiry ON slack_events (expires_at);
                CREATE TABLE IF NOT EXISTS session_keys (
                    key TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE);
                CREATE TABLE IF NOT EXISTS feedback (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL, created_at REAL NOT NULL);
            """)
            # Files written before turn ids and event leases existed gain the columns in place.
            for table, column, definition in (("turns", "turn_id", "TEXT NOT NULL DEFAULT ''"),
                                              ("slack_events", "state", "TEXT NOT NULL DEFAULT 'answered'")):
                columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            self._purge_if_due()
        except sqlite3.Error as exc:
            raise SessionStoreError(f"cannot open the session database {path}: {exc}") from exc

    def _expired(self, updated_at: float) -> bool:
        return self.clock() - updated_at > self.limits.idle_ttl_seconds

    def _purge_if_due(self) -> None:
        # Expired sessions are otherwise only dropped when read again, which most never are: the file would grow
        # for ever. Purging on session creation, at most once per interval, bounds it without a background thread.
        if self.clock() - self._last_purge >= self.purge_interval_seconds:
            self.purge_expired()

    @backend_errors_as_store_errors
    def create(self) -> str:
        session_id = new_session_id()
        now = self.clock()
        with self._lock:
            self._purge_if_due()
            self._db.execute("INSERT INTO sessions VALUES (?, ?, ?)", (session_id, now, now))
        return session_id

    @backend_errors_as_store_errors
    def get(self, session_id: str) -> Session | None:
        with self._lock:
            row = self._db.execute("SELECT created_at, updated_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return None
            if self._expired(row[1]):
                self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                return None
            rows = self._db.execute("SELECT role, content, citations, created_at, turn_id FROM turns "
                                    "WHERE session_id = ? ORDER BY position", (session_id,)).fetchall()
        turns = [StoredTurn(role, content, json.loads(citations), created, turn_id)
                 for role, content, citations, created, turn_id in rows]
        return Session(session_id, row[0], row[1], turns)

    @backend_errors_as_store_errors
    def append(self, session_id: str, turns: list[StoredTurn]) -> None:
        # Read and rewrite in one write transaction: two answers landing in one session at once (two quick
        # messages in a Slack thread, two replicas on one file) must not lose each other's turns.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                session = self.get(session_id)
                if session is None:
                    raise SessionNotFoundError(f"unknown session: {session_id}")
                kept = trim_turns([*session.turns, *turns], self.limits)
                now = self.clock()
                self._db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
                self._db.executemany("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)", [
                    (session_id, i, t.role, t.content, json.dumps(t.citations, ensure_ascii=False), t.created_at or now,
                     t.turn_id) for i, t in enumerate(kept)])
                self._db.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, session_id))
                self._db.execute("COMMIT")
            except (sqlite3.Error, SessionNotFoundError):
                self._db.execute("ROLLBACK")
                raise

    @backend_errors_as_store_errors
    def delete(self, session_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    @backend_errors_as_store_errors
    def purge_expired(self) -> int:
        """Delete expired sessions (their turns and thread mappings with them) and lapsed event claims."""
        with self._lock:
            now = self.clock()
            self._last_purge = now
            self._db.execute("DELETE FROM slack_events WHERE expires_at < ?", (now,))
            cutoff = now - self.limits.idle_ttl_seconds
            return self._db.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,)).rowcount

    @backend_errors_as_store_errors
    def claim_event(self, key: str, lease_seconds: int = 120) -> bool:
        if lease_seconds < 1:
            raise ValueError(f"lease_seconds must be >= 1, got {lease_seconds}")
        now = self.clock()
        with self._lock:
            self._db.execute("DELETE FROM slack_events WHERE key = ? AND expires_at < ?", (key, now))
            inserted = self._db.execute("INSERT OR IGNORE INTO slack_events VALUES (?, ?, ?, 'claimed')",
                                        (key, now, now + lease_seconds)).rowcount
        return inserted == 1

    @backend_errors_as_store_errors
    def finish_event(self, key: str, keep_seconds: int = 86400) -> None:
        now = self.clock()
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO slack_events VALUES (?, ?, ?, 'answered')",
                             (key, now, now + keep_seconds))

    @backend_errors_as_store_errors
    def release_event(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM slack_events WHERE key = ? AND state = 'claimed'", (key,))

    @backend_errors_as_store_errors
    def session_for_key(self, key: str) -> str:
        now = self.clock()
        with self._lock:  # one lock around look-up and creation: two events of a thread get one session
            self._purge_if_due()
            row = self._db.execute("SELECT s.id, s.updated_at FROM session_keys k JOIN sessions s "
                                   "ON s.id = k.session_id WHERE k.key = ?", (key,)).fetchone()
            if row is not None and not self._expired(row[1]):
                return str(row[0])
            if row is not None:
                self._db.execute("DELETE FROM sessions WHERE id = ?", (row[0],))
            session_id = new_session_id()
            self._db.execute("INSERT INTO sessions VALUES (?, ?, ?)", (session_id, now, now))
            self._db.execute("INSERT OR REPLACE INTO session_keys VALUES (?, ?)", (key, session_id))
        return session_id

    @backend_errors_as_store_errors
    def add_feedback(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO feedback (record, created_at) VALUES (?, ?)",
                             (json.dumps(record, ensure_ascii=False), self.clock()))

    @backend_errors_as_store_errors
    def feedback(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT record FROM feedback ORDER BY id").fetchall()
        return [json.loads(row[0]) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisSessionStore:
    """Sessions in Redis, so several replicas share conversations; Redis expires idle sessions itself."""

    def __init__(self, url: str, limits: SessionLimits | None = None, prefix: str = "bluebook:session:") -> None:
        import redis  # optional at import time: only this store needs it

        self.limits = limits or SessionLimits()
        self.prefix = prefix
        self.backend_errors: tuple[type[Exception], ...] = (redis.RedisError,)
        try:
            self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
            self._redis.ping()
        except (redis.RedisError, ValueError) as exc:
            raise SessionStoreError(f"cannot reach the session store at {url}: {exc}") from exc
        # Only an unfinished claim may be released: a retry must never undo a finished answer's mark.
        self._release_claim = self._redis.register_script(
            "if redis.call('get', KEYS[1]) == 'claimed' then return redis.call('del', KEYS[1]) end return 0")

    @property
    def client(self) -> Any:
        """The Redis connection, for what else replicas share through it (rate limits, API keys)."""
        return self._redis

    def _key(self, session_id: str) -> str:
        return self.prefix + session_id

    @backend_errors_as_store_errors
    def create(self) -> str:
        session_id = new_session_id()
        now = time.time()
        self._redis.set(self._key(session_id), json.dumps({"created_at": now, "updated_at": now, "turns": []}),
                        ex=self.limits.idle_ttl_seconds)
        return session_id

    @backend_errors_as_store_errors
    def get(self, session_id: str) -> Session | None:
        raw = self._redis.get(self._key(session_id))
        if raw is None:
            return None
        data = json.loads(raw)
        return Session(session_id, data["created_at"], data["updated_at"],
                       [StoredTurn(**{"turn_id": "", **turn}) for turn in data["turns"]])

    @backend_errors_as_store_errors
    def append(self, session_id: str, turns: list[StoredTurn]) -> None:
        import redis

        key = self._key(session_id)
        now = time.time()
        with self._redis.pipeline() as pipe:  # optimistic lock: two replicas appending at once lose nothing
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None:
                        raise SessionNotFoundError(f"unknown session: {session_id}")
                    data = json.loads(raw)
                    existing = [StoredTurn(**{"turn_id": "", **turn}) for turn in data["turns"]]
                    stamped = [StoredTurn(t.role, t.content, t.citations, t.created_at or now, t.turn_id)
                               for t in turns]
                    kept = trim_turns([*existing, *stamped], self.limits)
                    data.update(updated_at=now, turns=[asdict(t) for t in kept])
                    pipe.multi()
                    pipe.set(key, json.dumps(data, ensure_ascii=False), ex=self.limits.idle_ttl_seconds)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    @backend_errors_as_store_errors
    def delete(self, session_id: str) -> bool:
        return bool(self._redis.delete(self._key(session_id)))

    @backend_errors_as_store_errors
    def claim_event(self, key: str, lease_seconds: int = 120) -> bool:
        if lease_seconds < 1:
            raise ValueError(f"lease_seconds must be >= 1, got {lease_seconds}")
        return bool(self._redis.set(self.prefix + "event:" + key, "claimed", nx=True, ex=lease_seconds))

    @backend_errors_as_store_errors
    def finish_event(self, key: str, keep_seconds: int = 86400) -> None:
        self._redis.set(self.prefix + "event:" + key, "answered", ex=keep_seconds)

    @backend_errors_as_store_errors
    def release_event(self, key: str) -> None:
        self._release_claim(keys=[self.prefix + "event:" + key])

    @backend_errors_as_store_errors
    def session_for_key(self, key: str) -> str:
        mapping = self.prefix + "key:" + key
        while True:
            session_id = self._redis.get(mapping)
            if session_id is not None and self._redis.exists(self._key(session_id)):
                self._redis.expire(mapping, self.limits.idle_ttl_seconds)
                return str(session_id)
            candidate = self.create()
            if session_id is not None:  # the mapped session expired: start again in a new one
                self._redis.set(mapping, candidate, ex=self.limits.idle_ttl_seconds)
                return candidate
            # NX: when two replicas race for a new thread, both end up in the session mapped first.
            if self._redis.set(mapping, candidate, nx=True, ex=self.limits.idle_ttl_seconds):
                return candidate
            self.delete(candidate)

    @backend_errors_as_store_errors
    def add_feedback(self, record: dict[str, Any]) -> None:
        self._redis.rpush(self.prefix + "feedback", json.dumps(record, ensure_ascii=False))

    @backend_errors_as_store_errors
    def feedback(self) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self._redis.lrange(self.prefix + "feedback", 0, -1)]

    def close(self) -> None:
        self._redis.close()


def open_session_store(url: str | None, data_dir: Path, limits: SessionLimits) -> SessionStore:
    """SQLite under the data folder by default; Redis when the URL says redis:// or rediss://."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisSessionStore(url, limits)
    if url and url.startswith("sqlite:///"):
        return SQLiteSessionStore(Path(url.removeprefix("sqlite:///")), limits)
    if url:
        raise SessionStoreError(f"BLUEBOOK_SESSION_URL must start with redis://, rediss:// or sqlite:///, got {url!r}")
    return SQLiteSessionStore(data_dir / "sessions.sqlite3", limits)


class SessionChatHistory(BaseChatMessageHistory):
    """One session seen through LangChain's chat-message-history interface (citations ride in additional_kwargs)."""

    def __init__(self, store: SessionStore, session_id: str) -> None:
        self.store = store
        self.session_id = session_id

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        session = self.store.get(self.session_id)
        if session is None:
            return []
        return [HumanMessage(content=t.content) if t.role == "user"
                else AIMessage(content=t.content, additional_kwargs={"citations": t.citations})
                for t in session.turns]

    def add_messages(self, messages: list[BaseMessage]) -> None:
        self.store.append(self.session_id, [
            StoredTurn(role="user" if isinstance(m, HumanMessage) else "assistant", content=str(m.content),
                       citations=list(m.additional_kwargs.get("citations", [])))
            for m in messages])

    def clear(self) -> None:
        self.store.delete(self.session_id)
