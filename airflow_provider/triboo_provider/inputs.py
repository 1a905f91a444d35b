"""Read operator input rows: a list of dicts, or a CSV / JSON Lines file on object storage.

One rule for field names in both file formats: CSV column names and JSON Lines keys are
stripped and lower-cased (HR exports write ``Username`` or ``Email ``), and two that become
the same name are refused. Values keep each format's nature: CSV cells are text, so they
are stripped and an empty cell means "not given"; JSON Lines values keep their JSON types
(the operators' validation reads ``null`` and ``""`` as "not given"). Files may start
with a BOM; blank lines are skipped. Problems (bad encoding, a wrong delimiter, a missing
header, a line that is not a JSON object) raise :class:`TribooInputError` naming the line.
A list of dicts is taken as given: it comes from code, not from a file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from triboo_provider.exceptions import TribooInputError

Rows = tuple[list[dict[str, Any]], list[str]]


def load_rows(
    source: Sequence[Mapping[str, Any]] | str | Any, *, param: str = "users_path"
) -> Rows:
    """Rows and a label per row (``row N`` for lists, ``line N`` for files).

    ``source`` is a list of dicts, or a file: an absolute local path or a URL (a ``str``)
    or an ``ObjectStoragePath``, read as CSV unless its name ends in ``.jsonl``,
    ``.ndjson`` or ``.json``. ``param`` is the caller's name for ``source``
    (``leavers_path`` in a DAG's task), which a file that is not given or cannot be read
    is reported under.

    :raises TribooInputError: a path the exports' rule refuses
        (:func:`triboo_provider.targets.resolve`: blank, ``None``/``null``, relative, a
        folder, ...), a file that cannot be read, or a row or line that is not an object
        (see the module).
    """
    if isinstance(source, list | tuple):
        bad = [
            f"row {i}: {type(row).__name__} is not an object"
            for i, row in enumerate(source, 1)
            if not isinstance(row, Mapping)
        ]
        if bad:
            raise TribooInputError(bad)
        return [dict(row) for row in source], [f"row {i}" for i in range(1, len(source) + 1)]
    from airflow.sdk import ObjectStoragePath

    from triboo_provider.targets import resolve

    resolve(source, param)  # the one rule for every path parameter, before any I/O
    path = source if isinstance(source, ObjectStoragePath) else ObjectStoragePath(str(source))
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as problem:
        raise TribooInputError(
            [f"{param}: {path} cannot be read ({problem.strerror or problem})"]
        ) from problem
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise TribooInputError(
            [f"{path.name}, line {line}: not UTF-8 ({problem.reason} at byte {problem.start})"]
        ) from None
    if path.name.lower().endswith((".jsonl", ".ndjson", ".json")):
        return _jsonl(text, path.name)
    return _csv(text, path.name)


def _jsonl(text: str, name: str) -> Rows:
    rows, labels, problems = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as problem:
            problems.append(f"{name}, line {number}: not JSON ({problem.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{name}, line {number}: not a JSON object")
            continue
        named = {str(key).strip().lower(): value for key, value in row.items()}
        if "" in named or len(named) != len(row):
            problems.append(f"{name}, line {number}: keys must be unique and non-empty")
            continue
        rows.append(named)
        labels.append(f"line {number}")
    if problems:
        raise TribooInputError(problems)
    return rows, labels


def _csv(text: str, name: str) -> Rows:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows, labels, problems = [], [], []
    for record in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            # The module's one rule for field names (JSON Lines keys alike).
            header = [cell.strip().lower() for cell in record]
            if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
                where = f"{name}, line {number}"
                raise TribooInputError([f"{where}: one column {header[0]!r}; use commas"])
            if "" in header or len(set(header)) != len(header):
                raise TribooInputError(
                    [f"{name}, line {number}: the header needs unique, non-empty column names"]
                )
            if not any(column in header for column in ("username", "email", "user_id")):
                where = f"{name}, line {number}"
                raise TribooInputError([f"{where}: no header (columns such as username, email)"])
            continue
        if len(record) != len(header):
            problems.append(
                f"{name}, line {number}: {len(record)} values for {len(header)} columns"
            )
            continue
        rows.append(
            {
                column: cell.strip()
                for column, cell in zip(header, record, strict=True)
                if cell.strip()
            }
        )
        labels.append(f"line {number}")
    if header is None:
        raise TribooInputError([f"{name}: the file is empty"])
    if problems:
        raise TribooInputError(problems)
    return rows, labels
