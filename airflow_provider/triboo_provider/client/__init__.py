"""The Triboo client core, usable without Airflow.

``TribooClient(TribooSettings.from_connection(host, login, password, extras))`` talks to a
tenant; ``with TribooClient(...) as client:`` closes its HTTP clients at the end. The
Airflow hook (:class:`triboo_provider.hooks.triboo.TribooHook`) is this client read from
an Airflow connection, with tokens masked in task logs.

The package's names load on first use: ``triboo_provider.exceptions`` (imported by DAG files
through the operators) reads :mod:`triboo_provider.client.errors` without loading the HTTP
stack and the generated client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triboo_provider.client.protocols import JSONObject
    from triboo_provider.client.settings import MAX_PAGE_SIZE, TribooSettings
    from triboo_provider.client.triboo import TribooClient

__all__ = ["MAX_PAGE_SIZE", "JSONObject", "TribooClient", "TribooSettings"]

_HOMES = {
    "JSONObject": "triboo_provider.client.protocols",
    "MAX_PAGE_SIZE": "triboo_provider.client.settings",
    "TribooSettings": "triboo_provider.client.settings",
    "TribooClient": "triboo_provider.client.triboo",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
