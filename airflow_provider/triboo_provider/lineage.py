"""OpenLineage for the export operators: the tenant's report in, the files written out.

The OpenLineage provider's listener calls ``get_openlineage_facets_on_complete`` (and
``get_openlineage_facets_on_failure``) on the task after it ran (its ``DefaultExtractor``,
chosen because the methods exist). They build on what ``execute`` recorded: the route it
read and the outputs it committed. OpenLineage is imported only inside them, as Airflow's
own providers do, so the provider works without it installed.

Names follow OpenLineage's naming specification (namespace = ``scheme://authority`` of the
datasource, name = the path within it), as openlineage-python's
``openlineage.client.naming.dataset`` implements it:

- input: the report as an HTTP resource, which the specification has no dedicated rule
  for, so the general one: namespace the connection's scheme, host and port
  (``https://acme.learning-tribes.com``; the port only when not the scheme's default),
  name the API route as ``openapi/triboo.yaml`` spells it, after the base URL's own path
  (``/api/extended/v1/user_progress_report/``; for one course, its key in the route).
  Never a user, password, token or query;
- outputs: ``s3://{bucket}`` and the object key (``S3``, whole: ``#`` and ``?`` are part
  of it; never the connection id), ``file`` and the absolute path (``LocalFileSystem``),
  ``gs://{bucket}`` and the key, else ``{protocol}://{bucket}`` and the key
  (:meth:`triboo_provider.targets.Target.dataset`), each with a ``schema`` facet (the
  table's columns and Arrow types) and an ``outputStatistics`` facet (rows and bytes
  written).

A failed run names no output (a failed export leaves none, and what was there before is
kept). Its input is the report it read or, when it failed before reading (a bad input, a
missing bucket, refused credentials, a misconfigured connection), the report its
configuration names: never nothing, since the OpenLineage provider's ``ExtractorManager``
treats facets with neither inputs nor outputs as empty and falls back to the task's
outlets, which would claim the output that was never written. When the connection cannot
be read at all (no such connection, no host), that input's namespace is ``triboo``.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import pyarrow as pa
    from airflow.providers.openlineage.extractors import OperatorLineage

# The routes the hook's calls request (openapi/triboo.yaml paths; a test keeps them so).
USER_PROGRESS_ROUTE = "/api/extended/v1/user_progress_report/"
COURSES_ROUTE = "/api/extended/v1/courses/"
COURSE_PROGRESS_ROUTE = "/api/extended/v1/course_progress_report/{course_id}/"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def api_dataset(base_url: str, route: str) -> tuple[str, str]:
    """``(namespace, name)`` of an API route on the server at ``base_url``.

    >>> api_dataset("https://user:pw@Acme.Example:443/lms/", "/api/x/")
    ('https://acme.example', '/lms/api/x/')
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = parts.port
    authority = host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"
    return f"{parts.scheme}://{authority}", parts.path.rstrip("/") + route


def file_dataset(path: Any) -> tuple[str, str]:
    """``(namespace, name)`` of an output (anything a path parameter takes, or a
    :class:`~triboo_provider.targets.Target`), never its conn id."""
    from triboo_provider.stores import as_target  # noqa: PLC0415 - ObjectStoragePath, lazily

    return as_target(path).dataset()


def configured_input(operator: Any, route: str) -> tuple[str, str]:
    """``(namespace, name)`` of ``route`` on the server ``operator``'s connection names,
    without a request: from its settings, else from its host, schema and port as they are
    (a connection the settings refuse), else namespace ``triboo`` (none to read)."""
    with suppress(Exception):  # a connection the settings refuse: next best
        return api_dataset(operator.hook.settings.base_url, route)
    try:
        from triboo_provider.client.urls import base_url  # noqa: PLC0415

        connection = operator.hook.get_connection(operator.triboo_conn_id)
        return api_dataset(base_url(connection.host, connection.schema, connection.port), route)
    except Exception:  # no connection, or no host in it
        return "triboo", route


class ExportLineage:
    """Mixin of the export operators: OpenLineage facets from what ``execute`` did.

    ``execute`` calls :meth:`_lineage_starts` first, :meth:`_lineage_reads` before its
    first request and
    :meth:`_lineage_wrote` once its outputs are committed.
    """

    _lineage_input: tuple[str, str] | None = None
    _lineage_outputs: tuple[tuple[Any, pa.Schema, int, int], ...] = ()

    def _lineage_configured(self) -> tuple[str, str]:
        """The report the operator's configuration names (overridden by each export)."""
        raise NotImplementedError

    def _lineage_starts(self) -> None:
        """A run starts: nothing read or written yet (an operator may run again)."""
        self._lineage_input = None
        self._lineage_outputs = ()

    def _lineage_reads(self, base_url: str, route: str) -> None:
        self._lineage_input = api_dataset(base_url, route)
        self._lineage_outputs = ()

    def _lineage_wrote(self, *outputs: tuple[Any, pa.Schema, int, int]) -> None:
        """Each output as ``(path, schema, rows, bytes)``."""
        self._lineage_outputs = outputs

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> OperatorLineage[Any, Any]:
        """The report read and the files written (none when the run wrote nothing)."""
        return self._lineage(with_outputs=True)

    def get_openlineage_facets_on_failure(self, task_instance: Any) -> OperatorLineage[Any, Any]:
        """The report the run started to read (or, failing before, the one it was to
        read); no outputs, since a failed export leaves no file."""
        if self._lineage_input is None:
            self._lineage_input = self._lineage_configured()
        return self._lineage(with_outputs=False)

    def _lineage(self, *, with_outputs: bool) -> OperatorLineage[Any, Any]:
        from airflow.providers.common.compat.openlineage.facet import (  # noqa: PLC0415
            Dataset,
            OutputDataset,
            OutputStatisticsOutputDatasetFacet,
            SchemaDatasetFacet,
            SchemaDatasetFacetFields,
        )
        from airflow.providers.openlineage.extractors import OperatorLineage  # noqa: PLC0415

        inputs = [Dataset(*self._lineage_input)] if self._lineage_input else []
        outputs = []
        for path, schema, rows, size in self._lineage_outputs if with_outputs else ():
            namespace, name = file_dataset(path)  # a Target: its exact key
            fields = [SchemaDatasetFacetFields(name=f.name, type=str(f.type)) for f in schema]
            outputs.append(
                OutputDataset(
                    namespace=namespace,
                    name=name,
                    facets={"schema": SchemaDatasetFacet(fields=fields)},
                    outputFacets={
                        "outputStatistics": OutputStatisticsOutputDatasetFacet(
                            rowCount=rows, size=size
                        )
                    },
                )
            )
        return OperatorLineage(inputs=inputs, outputs=outputs)
