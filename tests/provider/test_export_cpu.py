"""What the export's CPU savings must not change: pages with duplicate or missing
identities are read as the item-by-item rule reads them, UTC timestamps parse as every
other form does, and Parquet files hold the same values, timestamps written plain."""

from __future__ import annotations

import io
import logging
from collections.abc import Hashable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from triboo_provider import columnar, tables
from triboo_provider.client.paging import Envelope, consistent_pages
from triboo_provider.client.reports import json_key
from triboo_provider.exceptions import TribooPaginationError
from triboo_provider.formats import TableWriter, timestamp

from tests.provider.test_columnar import row_path, vendor_page

LOG = logging.getLogger("test-export-cpu")
IDENTITY = st.one_of(st.none(), st.integers(1, 8), st.sampled_from(["a", "b"]), st.just([1]))


def item_by_item(pages: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The walk's rule, one item at a time: an item whose identity was read before is
    dropped; one without a (hashable) identity is always kept."""
    seen: set[Hashable] = set()
    out = []
    for page in pages:
        fresh = []
        for item in page:
            identity = item.get("id")
            if identity is None or not isinstance(identity, Hashable):
                fresh.append(item)
            elif identity not in seen:
                seen.add(identity)
                fresh.append(item)
        out.append(fresh)
    return out


@given(st.lists(st.lists(IDENTITY.map(lambda i: {"id": i}), max_size=6), min_size=1, max_size=4))
@settings(max_examples=300)
def test_pages_are_read_as_item_by_item(pages: list[list[dict[str, Any]]]) -> None:
    count = sum(len(page) for page in pages)

    def fetch(number: int) -> Envelope[dict[str, Any]]:
        link = "https://tenant.example/?page=2" if number < len(pages) else None
        return Envelope.of_json(
            {"count": count, "num_pages": len(pages), "next": link, "results": pages[number - 1]}
        )

    # One walk only (max_restarts=0): duplicates make it end with fewer distinct items than
    # count, which would be read again; what each page yields is the point here.
    got: list[list[dict[str, Any]]] = []
    walk = consistent_pages(
        fetch,
        json_key("id"),
        operation="listThings",
        check_next=lambda _: None,
        log=LOG,
        max_restarts=0,
    )
    try:
        for page in walk:
            got.append(page)
    except TribooPaginationError:  # the verdict on a short read comes after the last page
        assert len({i["id"] for p in pages for i in p if isinstance(i["id"], Hashable)}) < count
    assert got == item_by_item(pages)[: len(got)]
    assert len(got) == len(pages)


def test_json_key_keeps_hashable_identities_and_drops_the_others() -> None:
    key = json_key("id")
    assert key({"id": 7}) == 7
    assert key({"id": "7"}) == "7"
    assert key({"id": (1, 2)}) == (1, 2)
    assert key({"id": True}) is True
    assert key({"id": [1]}) is None
    assert key({}) is None


def test_utc_timestamps_parse_as_python_reads_them() -> None:
    texts = ["2024-02-29T23:59:59Z", None, "2024-03-01T10:00:00.123456Z", "2021-08-01T01:00:00Z"]
    got = columnar._timestamps(pa.array(texts, pa.string())).to_pylist()
    assert got == [timestamp(t) for t in texts]


def test_parquet_holds_the_same_values_with_timestamps_written_plain() -> None:
    page = vendor_page(200)
    handle = io.BytesIO()
    writer = TableWriter(handle, "parquet", tables.USER_PROGRESS)
    columnar.write_user_progress(writer, page)
    writer.close()
    data = handle.getvalue()
    assert pq.read_table(io.BytesIO(data)).equals(pa.Table.from_batches([row_path(page)]))
    group = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0)
    encodings = {
        group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)
    }
    for field in tables.USER_PROGRESS:
        dictionary = any("DICTIONARY" in e for e in encodings[field.name])
        assert dictionary is not pa.types.is_timestamp(field.type), (field.name, encodings)
