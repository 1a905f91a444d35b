"""The provider's error tree, at its documented import path.

The client's errors live in :mod:`triboo_provider.client.errors` (usable without Airflow)
and are re-exported here; the output errors below are the provider's own (its writers'),
not the client's::

    TribooError
    ├── ...                        the client's tree (triboo_provider.client.errors)
    └── TribooOutputError          an output no retry can write    no task retry
        ├── TribooOutputNotFoundError  (also FileNotFoundError): no such bucket
        └── TribooOutputPermissionError (also PermissionError): no or refused credentials
"""

from __future__ import annotations

from triboo_provider.client.errors import (
    AirflowFailException,
    ConflictReason,
    TribooAPIError,
    TribooAuthError,
    TribooConfigError,
    TribooConflictError,
    TribooConnectionError,
    TribooError,
    TribooInputError,
    TribooNotFoundError,
    TribooPaginationError,
    TribooPolicyError,
    TribooRateLimitError,
    TribooServerError,
    TribooValidationError,
)

__all__ = [
    "ConflictReason",
    "TribooAPIError",
    "TribooAuthError",
    "TribooConfigError",
    "TribooConflictError",
    "TribooConnectionError",
    "TribooError",
    "TribooInputError",
    "TribooNotFoundError",
    "TribooOutputError",
    "TribooOutputNotFoundError",
    "TribooOutputPermissionError",
    "TribooPaginationError",
    "TribooPolicyError",
    "TribooRateLimitError",
    "TribooServerError",
    "TribooValidationError",
]


class TribooOutputError(TribooError, AirflowFailException):
    """An output cannot be written and no retry can fix it: ``s3://`` without the Amazon
    provider installed, parameters the store refuses as invalid. The task fails at once;
    raised when the output is opened, before any Triboo request. Transient store errors
    (an endpoint that cannot be reached, a 5xx) are plain ``OSError`` and are retried.
    """


class TribooOutputNotFoundError(TribooOutputError, FileNotFoundError):
    """The output's bucket does not exist (still a ``FileNotFoundError``)."""


class TribooOutputPermissionError(TribooOutputError, PermissionError):
    """No credentials, or the store refuses them or the write (still a
    ``PermissionError``)."""
