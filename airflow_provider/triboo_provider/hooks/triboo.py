"""TribooHook: the client core (:class:`~triboo_provider.client.TribooClient`) read from an
Airflow connection.

Only the Airflow face is here: the connection becomes :class:`TribooSettings` (its warnings
go to the task log), the client secret and every token fetched are masked in Airflow's
logs, and the client logs through the hook's task logger. Everything else (the HTTP
clients, retries, paging, the domain methods such as :meth:`find_users`) is the client
core's: operators get plain dicts and lists, never generated models.
"""

from __future__ import annotations

import warnings
from typing import Any

from airflow.sdk import BaseHook
from airflow.sdk.log import mask_secret

from triboo_provider.client.errors import TribooConfigError
from triboo_provider.client.settings import MAX_PAGE_SIZE, TribooSettings
from triboo_provider.client.triboo import TribooClient

__all__ = ["MAX_PAGE_SIZE", "TribooHook", "TribooSettings"]


class TribooHook(BaseHook, TribooClient):
    """Talk to a Triboo tenant through a ``triboo`` connection.

    :param triboo_conn_id: the connection: host = base URL, login = client id,
        password = client secret, extras as in :class:`TribooSettings`.

    Nothing is read or sent in ``__init__``: the connection and the HTTP clients are
    built on first use. Tokens are fetched and refreshed by
    :class:`~triboo_provider.client.auth.ClientCredentialsAuth` and masked in Airflow's
    logs. ``close()`` (or ``with TribooHook(...) as hook:``) closes the HTTP clients; it is
    safe to call twice and after a failure.
    """

    conn_name_attr = "triboo_conn_id"
    default_conn_name = "triboo_default"
    conn_type = "triboo"
    hook_name = "Triboo"

    def __init__(self, triboo_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        # BaseHook's chain (LoggingMixin's super().__init__()) runs TribooClient.__init__
        # with no settings: they are read from the connection on first use.
        super().__init__(**kwargs)
        self.triboo_conn_id = triboo_conn_id
        self._client_log = self.log
        self._on_token = mask_secret

    def _read_settings(self) -> TribooSettings:
        """The connection read by :meth:`TribooSettings.from_connection`.

        :raises TribooConfigError: the connection is misconfigured (the task fails at once).
        """
        conn = self.get_connection(self.triboo_conn_id)
        if conn.password:
            mask_secret(conn.password)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                settings = TribooSettings.from_connection(
                    conn.host,
                    conn.login,
                    conn.password,
                    conn.extra_dejson,
                    schema=conn.schema,
                    port=conn.port,
                )
            except TribooConfigError as problem:
                # Chained: its messages name fields, never a value typed (client/settings.py).
                raise TribooConfigError(f"connection {self.triboo_conn_id}: {problem}") from problem
        for warning in caught:  # in the task log, and to the warnings machinery as usual
            self.log.warning("connection %s: %s", self.triboo_conn_id, warning.message)
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        return settings
