"""What every Triboo operator shares: the connection id, a lazily built hook whose HTTP
clients are closed however the task ends, and the checks of templated parameters."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from triboo_provider.hooks.triboo import TribooHook

DEFAULT_CONN_ID = "triboo_default"
Choice = TypeVar("Choice", bound=str)
# How deep a Triboo operator is in its own (wrapped) execute: a subclass's execute calling
# super().execute() closes the HTTP clients once, when the outermost call returns.
_DEPTH = "_triboo_execute_depth"
_CLOSES = "__triboo_closes_hook__"  # set on a method that closes the hook when it ends


def is_templated(value: Any) -> bool:
    """A text still holding a Jinja template (``{{`` or ``{%``): at DAG import a templated
    parameter is checked only when it is not, and again once rendered, in ``execute``."""
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def choice(value: object, name: str, allowed: Sequence[Choice]) -> Choice:
    """``value`` as one of ``allowed`` (the ``Literal`` a choice parameter is typed with).

    :raises TribooInputError: ``value`` is none of them (naming ``name`` and the choices);
        no retry can change a parameter, so the task fails at once.
    """
    for option in allowed:
        if value == option:
            return option
    from triboo_provider.exceptions import TribooInputError

    raise TribooInputError([f"{name}: must be one of {', '.join(allowed)}, not {value!r}"])


def check_choice(value: object, name: str, allowed: Sequence[str]) -> None:
    """At DAG import: :func:`choice` unless ``value`` is templated (checked once rendered).

    :raises TribooInputError: as :func:`choice`.
    """
    if not is_templated(value):
        choice(value, name, allowed)


def _closing(method: Callable[..., Any]) -> Callable[..., Any]:
    """``execute`` that closes the hook's HTTP clients when it returns *or raises*.

    Airflow runs ``post_execute`` only after a successful ``execute``, so closing there
    leaked both connection pools on every failed try (and on a retry in the same worker
    process, they stayed open until garbage collection).
    """

    @functools.wraps(method)
    def execute(self: TribooBaseOperator, *args: Any, **kwargs: Any) -> Any:
        depth: int = self.__dict__.get(_DEPTH, 0)
        self.__dict__[_DEPTH] = depth + 1
        try:
            return method(self, *args, **kwargs)
        finally:
            if depth:
                self.__dict__[_DEPTH] = depth
            else:
                del self.__dict__[_DEPTH]
                self.close_hook()

    setattr(execute, _CLOSES, True)
    return execute


def _closing_on_kill(method: Callable[..., Any]) -> Callable[..., Any]:
    """``on_kill`` that closes the hook's HTTP clients after it ran, even if it raised."""

    @functools.wraps(method)
    def on_kill(self: TribooBaseOperator) -> Any:
        try:
            return method(self)
        finally:
            self.close_hook()

    setattr(on_kill, _CLOSES, True)
    return on_kill


class TribooBaseOperator(BaseOperator):
    """Base of the Triboo operators; ``triboo_conn_id`` names the ``triboo`` connection.

    :param triboo_conn_id: the connection id (templated).

    The hook (:attr:`hook`) is built on first use. Its HTTP clients are closed when
    ``execute`` returns or raises, and when Airflow kills the task (``on_kill``): for every
    subclass, including those you write, since ``__init_subclass__`` wraps each
    ``execute`` and ``on_kill`` a subclass defines (as Airflow's ``BaseOperatorMeta``
    wraps ``execute``). A subclass's ``template_fields`` should start with
    ``*TribooBaseOperator.template_fields``.
    """

    template_fields: Sequence[str] = ("triboo_conn_id",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The methods the class resolves, not only those it defines: a mixin listed before
        # the Triboo base may bring its own execute or on_kill. One wrapped already (here, or
        # in a Triboo base class) is left as it is.
        if not getattr(cls.execute, _CLOSES, False):
            cls.execute = _closing(cls.execute)  # type: ignore[method-assign]
        if not getattr(cls.on_kill, _CLOSES, False):
            cls.on_kill = _closing_on_kill(cls.on_kill)  # type: ignore[method-assign]

    def __init__(self, *, triboo_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.triboo_conn_id = triboo_conn_id

    @cached_property
    def hook(self) -> TribooHook:
        """The hook of ``triboo_conn_id`` (as rendered), built on first use."""
        from triboo_provider.hooks.triboo import TribooHook

        return TribooHook(triboo_conn_id=self.triboo_conn_id)

    def close_hook(self) -> None:
        """Close the hook's HTTP clients if it was built; safe to call again.

        A failure to close is logged, never raised: it would hide the task's own error, or
        fail (and retry) a task whose work is done.
        """
        hook = self.__dict__.get("hook")
        if hook is None:
            return
        try:
            hook.close()
        except Exception:
            self.log.warning("could not close the Triboo HTTP clients", exc_info=True)

    def on_kill(self) -> None:
        """Close the hook's HTTP clients when Airflow stops the task."""
        try:
            super().on_kill()
        finally:
            self.close_hook()

    setattr(on_kill, _CLOSES, True)
