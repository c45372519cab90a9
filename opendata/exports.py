"""CSV and JSON renderings of a dataset (see ``datasets.py``) and the ZIP of all files.

The CSV dialect (``partnership.csvfiles``'s ``rfc4180``, which the staff report tables
offer too as ``?dialect=rfc4180``), stated in the data package (``opendata.package``):
UTF-8 with a byte-order mark (so that Excel opens the Polish letters right; CSV readers
skip it), a header row, fields separated by commas, rows ended by CR LF, fields quoted
with double quotes where needed and a double quote inside one doubled (RFC 4180).
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from partnership.csvfiles import RFC4180
from partnership.csvfiles import csv_bytes as shared_csv_bytes
from partnership.downloads import neutralise_cell

from .datasets import Dataset

LIST_SEPARATOR = ";"
# ZIP dates start in 1980.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for None, true/false, ISO dates, lists joined by ";"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return neutralise_cell(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, int):
        return str(value)
    return neutralise_cell(str(value))


# The open data is for programs: RFC 4180 (comma-separated, a decimal point), UTF-8 with a
# byte-order mark, CR LF (partnership.csvfiles, shared with the staff downloads).
PortalDialect = RFC4180


def csv_dialect_descriptor() -> dict[str, Any]:
    """The dialect as a Frictionless CSV Dialect (``header``: the first row names the
    columns)."""
    return {
        "delimiter": PortalDialect.delimiter,
        "lineTerminator": PortalDialect.lineterminator,
        "quoteChar": PortalDialect.quotechar,
        "doubleQuote": PortalDialect.doublequote,
        "header": True,
    }


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """``rows`` (the header first) as CSV in the open data's dialect, with the byte-order
    mark."""
    return shared_csv_bytes(rows, dialect="rfc4180")


def render_csv(dataset: Dataset) -> bytes:
    """The dataset as CSV: a header row of column names, then one row per record."""
    header = [column.name for column in dataset.columns]
    rows = ((csv_cell(value) for value in row.values()) for row in dataset.rows())
    return csv_bytes(itertools.chain([header], rows))


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def render_json(dataset: Dataset) -> bytes:
    """A JSON list of objects, one per record, keyed by the column names (UTF-8)."""
    rows = [{name: json_value(value) for name, value in row.items()} for row in dataset.rows()]
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def render_zip(files: dict[str, bytes], *, modified: datetime.datetime | None) -> bytes:
    """A ZIP of ``files`` (name -> content), each dated ``modified`` (the data's last
    change, UTC): the same files give the same bytes, so the same ``ETag``."""
    moment = (modified or ZIP_EPOCH).astimezone(datetime.UTC)
    stamp = max(moment, ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()
