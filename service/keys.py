"""API keys: created and revoked from the command line, kept hashed where the sessions are (SQLite or Redis).

A key is 32 random bytes, so one SHA-256 of it is enough to store (no password stretching needed: it cannot be
guessed from a dictionary). While no key has ever been created the service runs open; after that every `/v1/*`
request needs a live key — revoking the last key does not reopen it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from service.config import Settings
from service.errors import BluebookError
from service.sessions import SessionStoreError

KEY_PREFIX = "bbq_"
KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class KeyNameError(BluebookError):
    """A key name that is malformed, taken, or unknown (the CLI prints it as an error line)."""


@dataclass(frozen=True)
class KeyInfo:
    name: str
    created_at: float
    revoked_at: float | None
    hint: str  # the first characters of the key, so an operator can tell keys apart without the secret

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def checked_name(name: str) -> str:
    if not KEY_NAME.fullmatch(name):
        raise KeyNameError(f"a key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; "
                        f"got {name!r}")
    return name


class KeyStore(Protocol):
    def create(self, name: str) -> str:
        """A new key for `name` (returned once, in clear; only its digest is kept)."""
        ...

    def revoke(self, name: str) -> None: ...

    def list(self) -> list[KeyInfo]: ...

    def name_for(self, key: str) -> str | None:
        """The name of the live key `key`, or None (unknown or revoked)."""
        ...

    def required(self) -> bool:
        """Whether keys are required: once any key has been created."""
        ...

    def close(self) -> None: ...


class SQLiteKeyStore:
    """Keys in a table of the sessions' SQLite file."""

    def __init__(self, path: Path, clock: Any = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("""CREATE TABLE IF NOT EXISTS api_keys (
                name TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, hint TEXT NOT NULL,
                created_at REAL NOT NULL, revoked_at REAL)""")
        except sqlite3.Error as exc:
            raise SessionStoreError(f"cannot open the key table in {path}: {exc}") from exc

    def _run(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                cursor = self._db.execute(sql, parameters)
                return cursor.fetchall() if cursor.description else [()] * max(cursor.rowcount, 0)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise SessionStoreError(f"the key store failed: {exc}") from exc

    def create(self, name: str) -> str:
        key = new_key()
        try:
            self._run("INSERT INTO api_keys VALUES (?, ?, ?, ?, NULL)",
                      (checked_name(name), key_digest(key), key[:len(KEY_PREFIX) + 4], self.clock()))
        except sqlite3.IntegrityError as exc:
            raise KeyNameError(f"a key named {name!r} exists already (names are never reused)") from exc
        return key

    def revoke(self, name: str) -> None:
        rows = self._run("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                         (self.clock(), name))
        if not rows:
            raise KeyNameError(f"no live key named {name!r}")

    def list(self) -> list[KeyInfo]:
        return [KeyInfo(*row) for row in self._run(
            "SELECT name, created_at, revoked_at, hint FROM api_keys ORDER BY created_at, name")]

    def name_for(self, key: str) -> str | None:
        rows = self._run("SELECT name FROM api_keys WHERE digest = ? AND revoked_at IS NULL", (key_digest(key),))
        return str(rows[0][0]) if rows else None

    def required(self) -> bool:
        return bool(self._run("SELECT 1 FROM api_keys LIMIT 1"))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisKeyStore:
    """Keys in Redis, so every replica sees a new or revoked key at once."""

    def __init__(self, url: str, prefix: str = "bluebook:apikey:", clock: Any = time.time) -> None:
        import redis

        self.clock = clock
        self.by_digest = prefix + "digest"  # digest -> name (live keys only)
        self.records = prefix + "record"  # name -> {created_at, revoked_at, hint, digest}
        self._errors: tuple[type[Exception], ...] = (redis.RedisError,)
        try:  # no ping: a Redis that is down now is a 503 per request, and the service recovers when it is back
            self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        except ValueError as exc:
            raise SessionStoreError(f"cannot use the key store at {url}: {exc}") from exc

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._redis, method)(*args, **kwargs)
        except self._errors as exc:
            raise SessionStoreError(f"the key store failed: {exc}") from exc

    def create(self, name: str) -> str:
        key = new_key()
        digest = key_digest(key)
        record = json.dumps({"created_at": self.clock(), "revoked_at": None, "hint": key[:len(KEY_PREFIX) + 4],
                             "digest": digest})
        if not self._call("hsetnx", self.records, checked_name(name), record):
            raise KeyNameError(f"a key named {name!r} exists already (names are never reused)")
        self._call("hset", self.by_digest, digest, name)
        return key

    def revoke(self, name: str) -> None:
        raw = self._call("hget", self.records, name)
        record = json.loads(raw) if raw else None
        if record is None or record["revoked_at"] is not None:
            raise KeyNameError(f"no live key named {name!r}")
        record["revoked_at"] = self.clock()
        self._call("hdel", self.by_digest, record["digest"])
        self._call("hset", self.records, name, json.dumps(record))

    def list(self) -> list[KeyInfo]:
        records = self._call("hgetall", self.records)
        infos = [KeyInfo(name, data["created_at"], data["revoked_at"], data["hint"])
                 for name, data in ((name, json.loads(raw)) for name, raw in records.items())]
        return sorted(infos, key=lambda info: (info.created_at, info.name))

    def name_for(self, key: str) -> str | None:
        name = self._call("hget", self.by_digest, key_digest(key))
        return str(name) if name is not None else None

    def required(self) -> bool:
        return bool(self._call("exists", self.records))

    def close(self) -> None:
        self._redis.close()


def open_key_store(settings: Settings) -> KeyStore:
    """Keys live where the sessions live (BLUEBOOK_SESSION_URL), so replicas that share sessions share keys."""
    url = settings.session_url
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisKeyStore(url, prefix=settings.redis_prefix + "apikey:")
    if url and url.startswith("sqlite:///"):
        return SQLiteKeyStore(Path(url.removeprefix("sqlite:///")))
    if url:
        raise SessionStoreError(f"BLUEBOOK_SESSION_URL must start with redis://, rediss:// or sqlite:///, got {url!r}")
    return SQLiteKeyStore(settings.data_dir / "sessions.sqlite3")
