"""TribooClient: the client core's domain methods joined on one class."""

from __future__ import annotations

from collections.abc import Callable

from triboo_provider.client.enrollments import Enrollments
from triboo_provider.client.protocols import Log
from triboo_provider.client.reports import Reports
from triboo_provider.client.settings import TribooSettings
from triboo_provider.client.users import Users

__all__ = ["TribooClient"]


class TribooClient(Users, Enrollments, Reports):
    """Talk to a Triboo tenant: users, enrollments, courses and progress reports.

    :param settings: the connection, e.g. from :meth:`TribooSettings.from_connection`.
    :param log: where retries and oddities are logged (default: ``triboo_provider.client``).
    :param on_token: sees every access token fetched (e.g. to mask it in logs).

    Nothing is sent until the first call; tokens are fetched and refreshed as needed.
    Errors are those of :mod:`triboo_provider.client.errors`.
    """

    def __init__(
        self,
        settings: TribooSettings | None = None,
        *,
        log: Log | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(settings, log=log, on_token=on_token)
