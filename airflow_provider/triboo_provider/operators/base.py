"""What every Triboo operator shares: the connection id and a lazily built hook."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from triboo_provider.hooks.triboo import TribooHook

DEFAULT_CONN_ID = "triboo_default"


def is_templated(value: Any) -> bool:
    """A text still holding a Jinja template (``{{`` or ``{%``): at DAG import a path
    parameter is checked only when it is not, and again once rendered, in ``execute``."""
    return isinstance(value, str) and ("{{" in value or "{%" in value)


class TribooBaseOperator(BaseOperator):
    """Base of the Triboo operators; ``triboo_conn_id`` names the ``triboo`` connection."""

    def __init__(self, *, triboo_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.triboo_conn_id = triboo_conn_id

    @cached_property
    def hook(self) -> TribooHook:
        from triboo_provider.hooks.triboo import TribooHook

        return TribooHook(triboo_conn_id=self.triboo_conn_id)

    def post_execute(self, context: Any, result: Any = None) -> None:
        if "hook" in self.__dict__:
            self.hook.close()
        super().post_execute(context, result)
