"""CSV and JSON renderings of a dataset (see ``datasets.py``)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

from .datasets import Dataset

# A spreadsheet treats a cell starting with one of these as a formula ("CSV injection").
# "=", "+", "-" and "@" start a formula; a tab or carriage return can hide one of them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def neutralise_cell(value: str) -> str:
    """Prefix a single quote to text a spreadsheet would read as a formula."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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


def render_csv(dataset: Dataset) -> str:
    """UTF-8 text (no BOM) with a header row, comma-separated, quoted as RFC 4180."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(column.name for column in dataset.columns)
    for row in dataset.rows():
        writer.writerow(csv_cell(value) for value in row.values())
    return out.getvalue()


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def render_json(dataset: Dataset) -> str:
    """A JSON list of objects, one per record, keyed by the column names."""
    rows = [{name: json_value(value) for name, value in row.items()} for row in dataset.rows()]
    return json.dumps(rows, ensure_ascii=False, indent=1)
