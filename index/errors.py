"""Domain errors raised by the index package; the service maps them to HTTP errors and CLI exit codes."""


class BluebookError(Exception):
    """Base class of every error this project raises on purpose."""


class CorpusError(BluebookError):
    """The corpus folder is missing, empty or unreadable."""


class ModelError(BluebookError):
    """The embedding model is not provisioned, fails its checksum, or cannot be loaded."""


class ChecksumMismatchError(ModelError):
    """A downloaded or extracted file does not have the pinned sha256."""


class IndexNotBuiltError(BluebookError):
    """No index exists at the configured folder."""


class IndexMismatchError(BluebookError):
    """The index on disk was built with other settings (model, format) than those configured."""


class PassageNotFoundError(BluebookError):
    """No passage has the requested id."""


class IndexBusyError(BluebookError):
    """Another build holds the index folder's lock."""
