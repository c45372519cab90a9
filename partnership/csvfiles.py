"""The portal's two CSV dialects, both UTF-8 with a byte-order mark and rows ended by CR LF.

- ``excel-pl`` — for people: what Excel set to Polish opens straight into columns. Excel
  there splits on the list separator of the Polish regional settings, the semicolon, and
  reads "12,5" as a number: values are separated by ``;`` and decimals written with a
  comma. The staff downloads use it: the report tables (unless ``?dialect=`` says
  otherwise) and the attendee-list template.
- ``rfc4180`` — for programs: RFC 4180, comma-separated, a decimal point. The open data
  and ``?dialect=rfc4180`` on the report tables.

Both quote a value holding the separator, a quote or a line break, doubling its quotes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

CSV_ENCODING = "utf-8"
BYTE_ORDER_MARK = "\ufeff"


class RFC4180(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False


class ExcelPolish(RFC4180):
    delimiter = ";"


EXCEL_PL = "excel-pl"
DIALECTS: dict[str, type[csv.Dialect]] = {EXCEL_PL: ExcelPolish, "rfc4180": RFC4180}
DECIMAL_COMMA = {EXCEL_PL}


def csv_value(value: Any, *, dialect: str) -> Any:
    """``value`` as the dialect writes it: a decimal comma in ``excel-pl`` ("12,5")."""
    if isinstance(value, float | Decimal) and dialect in DECIMAL_COMMA:
        return str(value).replace(".", ",")
    return value


def csv_bytes(rows: Iterable[Iterable[Any]], *, dialect: str) -> bytes:
    """``rows`` (the header first) as CSV in ``dialect``, with the byte-order mark."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, dialect=DIALECTS[dialect])
    writer.writerows([csv_value(value, dialect=dialect) for value in row] for row in rows)
    return out.getvalue().encode(CSV_ENCODING)
