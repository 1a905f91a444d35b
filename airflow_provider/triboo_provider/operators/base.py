"""What every Triboo operator shares: the connection id, a lazily built hook whose HTTP
clients are closed however the task ends, and the checks of templated parameters.

The parameters checked at DAG import (choices, paths, the connection id) are listed in one
table per class, :attr:`TribooBaseOperator.import_checks`, which ``__init__`` and
``partial()`` both apply to the values given without a template; ``execute`` checks the
rendered values again, before any call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow.sdk.definitions.mappedoperator import OperatorPartial

    from triboo_provider.hooks.triboo import TribooHook

DEFAULT_CONN_ID = "triboo_default"
Choice = TypeVar("Choice", bound=str)
# How deep a Triboo operator is in its own (wrapped) execute: a subclass's execute calling
# super().execute() closes the HTTP clients once, when the outermost call returns.
_DEPTH = "_triboo_execute_depth"
_CLOSES = "__triboo_closes_hook__"  # set on a method that closes the hook when it ends
# The methods a task ends in: execute, or for a deferred task the method it resumes in.
_ENDS = ("execute", "resume_execution")
# Airflow's own rule for a connection id (airflow.models.connection.RE_SANITIZE_CONN_ID and
# CONN_ID_MAX_LEN), copied rather than imported: airflow.models is slow to import in a DAG.
_CONN_ID = re.compile(r"[\w#!()\-.:/\\]{1,250}")
# What a template prints for a missing value: never a connection's or a file's name.
MISSING = frozenset({"none", "null"})
Check = Callable[[Any, str], object]  # check(value, name); raises TribooInputError


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


def is_unrendered(value: Any) -> bool:
    """Whether ``value`` is known only when the task runs: a template, or an ``XComArg``
    (any object Airflow resolves at run time), so it is checked then, not at DAG import."""
    return is_templated(value) or (hasattr(value, "resolve") and hasattr(value, "iter_references"))


def one_of(allowed: Sequence[str]) -> Check:
    """The check of a choice parameter: :func:`choice` among ``allowed``."""

    def check(value: Any, name: str) -> object:
        return choice(value, name, allowed)

    return check


def conn_id(value: object, name: str = "triboo_conn_id") -> str:
    """``value`` as a connection id, by Airflow's own rule for one.

    A connection id is text of 1 to 250 letters, digits and ``_#!()-.:/\\`` (what Airflow
    accepts when a connection is created), and not ``None`` or ``null`` (what a template
    prints for a missing value). Anything else can never name a connection: it is the
    DAG's input problem, not a connection that is briefly missing. A well-formed id with
    no connection is left to Airflow (``AirflowNotFoundException``, retried: a secrets
    backend may be away for a moment).

    :raises TribooInputError: naming ``name``, with the reason (never the value, which
        could be a mistyped secret).
    """
    from triboo_provider.exceptions import TribooInputError

    if not isinstance(value, str):
        reason = f"{type(value).__name__} is not a connection id (text)"
    elif not value.strip():
        reason = "empty (a connection id is needed)"
    elif value.lower() in MISSING:
        reason = f"{value!r} is what a template prints for a missing value, no connection id"
    elif value != value.strip():
        reason = "has blanks around it; a connection id has none"
    elif _CONN_ID.fullmatch(value) is None:
        reason = "not a connection id (1 to 250 letters, digits and _#!()-.:/\\)"
    else:
        return value
    raise TribooInputError([f"{name}: {reason}"])


def _path(value: Any, name: str) -> object:
    from triboo_provider.targets import resolve

    return resolve(value, name)


def _optional_path(value: Any, name: str) -> object:
    return None if value is None else _path(value, name)


def _folder(value: Any, name: str) -> object:
    from triboo_provider.targets import resolve

    return resolve(value, name, folder=True)


def _format(value: Any, name: str) -> object:
    from triboo_provider.operators.exporting import FORMATS

    return choice(value, name, FORMATS)


def check_choice(value: object, name: str, allowed: Sequence[str]) -> None:
    """At DAG import: :func:`choice` unless ``value`` is templated (checked once rendered).

    :raises TribooInputError: as :func:`choice`.
    """
    if not is_templated(value):
        choice(value, name, allowed)


def _closing(method: Callable[..., Any]) -> Callable[..., Any]:
    """``execute`` (or ``resume_execution``) that first checks the rendered connection id,
    then closes the hook's HTTP clients when it returns *or raises*.

    Airflow runs ``post_execute`` only after a successful ``execute``, so closing there
    leaked both connection pools on every failed try (and on a retry in the same worker
    process, they stayed open until garbage collection).
    """

    @functools.wraps(method)
    def execute(self: TribooBaseOperator, *args: Any, **kwargs: Any) -> Any:
        depth: int = self.__dict__.get(_DEPTH, 0)
        self.__dict__[_DEPTH] = depth + 1
        try:
            if not depth:
                # The rendered connection id, before anything else runs (an output opened,
                # a file read): one that can name no connection fails the task, no retry.
                conn_id(self.triboo_conn_id)
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

    :param triboo_conn_id: the connection id (templated): text of 1 to 250 letters,
        digits and ``_#!()-.:/\\``, by Airflow's rule (see :func:`conn_id`).
    :raises TribooInputError: a parameter of :attr:`import_checks` given without a
        template is invalid (at DAG import, from ``__init__`` or ``partial()``), or the
        rendered connection id is (when the task starts, before any call).

    The hook (:attr:`hook`) is built on first use. Its HTTP clients are closed when
    ``execute`` (or, for a deferred task, ``resume_execution``) returns or raises, and
    when Airflow kills the task (``on_kill``): for every subclass, including those you
    write, since ``__init_subclass__`` wraps the ``execute``, ``resume_execution`` and
    ``on_kill`` each subclass resolves (as Airflow's ``BaseOperatorMeta`` wraps
    ``execute``). A subclass's ``template_fields`` should start with
    ``*TribooBaseOperator.template_fields``.
    """

    template_fields: Sequence[str] = ("triboo_conn_id",)
    #: The parameters checked at DAG import, by name: ``check(value, name)`` raises a
    #: ``TribooInputError``. Applied by ``__init__`` (through :meth:`check_given`) and by
    #: ``partial()`` to each value given without a template; a subclass extends it with
    #: its own choices (``{**TribooBaseOperator.import_checks, "by": one_of(...)}``).
    import_checks: ClassVar[Mapping[str, Check]] = {
        "triboo_conn_id": conn_id,
        "format": _format,
        "path": _path,
        "badges_path": _optional_path,
        "results_path": _optional_path,
        "output_dir": _folder,
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The methods the class resolves, not only those it defines: a mixin listed before
        # the Triboo base may bring its own. One wrapped already (here, or in a Triboo base
        # class) is left as it is.
        for name in _ENDS:
            if not getattr(getattr(cls, name), _CLOSES, False):
                setattr(cls, name, _closing(getattr(cls, name)))
        if not getattr(cls.on_kill, _CLOSES, False):
            cls.on_kill = _closing_on_kill(cls.on_kill)  # type: ignore[method-assign]

    def __init__(self, *, triboo_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        self.check_given({"triboo_conn_id": triboo_conn_id})
        super().__init__(**kwargs)
        self.triboo_conn_id = triboo_conn_id

    @classmethod
    def check_given(cls, given: Mapping[str, Any]) -> None:
        """Check each value of ``given`` (parameter name to value) that
        :attr:`import_checks` lists and that is known now (no template, no ``XComArg``).

        :raises TribooInputError: from the first check that fails.
        """
        for name, value in given.items():
            check = cls.import_checks.get(name)
            if check is not None and not is_unrendered(value):
                check(value, name)

    @classmethod
    def partial(cls, **kwargs: Any) -> OperatorPartial:
        """Airflow's ``partial()`` (for ``.expand()``), after the checks ``__init__`` makes
        of the same parameters: a bad choice or path fails the DAG's import, not each
        mapped task.

        :raises TribooInputError: as :meth:`check_given`.
        """
        from airflow.sdk.bases.operator import partial

        cls.check_given(kwargs)
        return partial(cls, **kwargs)

    @cached_property
    def hook(self) -> TribooHook:
        """The hook of ``triboo_conn_id`` (as rendered), built on first use."""
        from triboo_provider.hooks.triboo import TribooHook

        return TribooHook(triboo_conn_id=conn_id(self.triboo_conn_id))

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
