"""Errors the service maps to HTTP statuses and CLI exit codes (the index package's errors, plus ours)."""

from index.errors import (  # noqa: F401  re-exported: the edges map all domain errors from here
    BluebookError,
    ChecksumMismatchError,
    CorpusError,
    IndexBusyError,
    IndexMismatchError,
    IndexNotBuiltError,
    ModelError,
    PassageNotFoundError,
)


class ServiceNotReadyError(BluebookError):
    """The model or index is not loaded (yet, or it failed to load)."""


class LLMUnavailableError(BluebookError):
    """The configured LLM backend failed and no fallback is configured (HTTP 503 with the reason)."""


class LLMConfigurationError(BluebookError):
    """The LLM settings are incomplete or name a model that is not there."""


class TurnNotFoundError(BluebookError):
    """A session has no answer at the turn named (feedback on a turn that is not there, or was trimmed away)."""
