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
- outputs: ``s3://{bucket}`` and the object key (``S3``), ``file`` and the absolute path
  (``LocalFileSystem``), ``gs://{bucket}`` and the key, else ``{protocol}://{bucket}`` and
  the key, each with a ``schema`` facet (the table's columns and Arrow types) and an
  ``outputStatistics`` facet (rows and bytes written).
"""

from __future__ import annotations

import os
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
    """``(namespace, name)`` of an output (an ``ObjectStoragePath``), never its conn id."""
    protocol = str(path.protocol or "file")
    if protocol in ("file", "local"):
        return "file", os.path.abspath(path.path)
    if protocol in ("s3", "s3a", "s3n"):
        return f"s3://{path.bucket}", path.key
    if protocol in ("gs", "gcs"):
        return f"gs://{path.bucket}", path.key
    return f"{protocol}://{path.bucket}", path.key


class ExportLineage:
    """Mixin of the export operators: OpenLineage facets from what ``execute`` did.

    ``execute`` calls :meth:`_lineage_reads` before its first request and
    :meth:`_lineage_wrote` once its outputs are committed.
    """

    _lineage_input: tuple[str, str] | None = None
    _lineage_outputs: tuple[tuple[Any, pa.Schema, int, int], ...] = ()

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
        """The report the run started to read; no outputs, since a failed export leaves no
        file."""
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
            namespace, name = file_dataset(path)
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
