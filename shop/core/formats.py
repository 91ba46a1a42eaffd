"""The file formats the back office imports and exports: CSV, XLSX and JSON.

* Every spreadsheet format escapes formulas on export and unescapes them on import (shop.core.formula).
* Every format refuses a file with more than settings.IMPORT_MAX_ROWS rows (`TooManyRows`), so that no
  preview or confirm runs past the web server's timeout; the import form shows the message.
* CSV starts with a UTF-8 byte order mark, so Excel reads non-ASCII text (é, ü, 日本) as UTF-8; the
  import strips it again (import-export reads with `utf-8-sig`).
* XLSX keeps numbers as numbers, money with two places (`0.00`), on a sheet named after the model.
* `stream_export(headers, rows, out, title=)` writes the same file from an iterable of rows straight to a
  binary file, row by row, for exports too large to hold (the back office's export jobs).
"""

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shop.core.formula import SafeExportMixin, escape_cell

BOM = "\ufeff"
SHEET_TITLE_MAX = 31
SHEET_TITLE_REFUSED = str.maketrans(dict.fromkeys("\\*?:/[]", "-"))
COLUMN_WIDTH_MAX = 60
STREAM_WIDTH_ROWS = 1_000


class TooManyRows(ValueError):
    def __init__(self, rows: int, limit: int):
        super().__init__(
            f"The file has {rows:,} rows; an import takes at most {limit:,} rows (IMPORT_MAX_ROWS). "
            "Split it into smaller files."
        )


class RowLimitMixin:
    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            raise TooManyRows(len(dataset), settings.IMPORT_MAX_ROWS)
        return dataset


class ShopCSV(SafeExportMixin, RowLimitMixin, base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return BOM + super().export_data(dataset, **kwargs)

    def stream_export(self, headers, rows: Iterable, out, *, title: str = "") -> None:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        text.write(BOM)
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows([escape_cell(value) for value in row] for row in rows)
        text.flush()
        text.detach()


class _WriteOnlyXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_title(dataset.title))
        sheet.freeze_panes = "A2"
        rows = [list(row) for row in dataset]
        for index, width in enumerate(column_widths(dataset.headers, rows), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_cell(sheet, header, bold=True) for header in dataset.headers])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
        stream = BytesIO()
        book.save(stream)
        return stream.getvalue()


class ShopXLSX(SafeExportMixin, RowLimitMixin, _WriteOnlyXLSX):
    def stream_export(self, headers, rows: Iterable, out, *, title: str = "") -> None:
        """Rows go to openpyxl's write-only sheet (kept on disk as they come); column widths follow the first
        STREAM_WIDTH_ROWS rows, since the rest are not read yet."""
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_title(title))
        sheet.freeze_panes = "A2"
        rows = iter(rows)
        first = [list(row) for _, row in zip(range(STREAM_WIDTH_ROWS), rows, strict=False)]
        for index, width in enumerate(column_widths(headers, first), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_cell(sheet, header, bold=True) for header in headers])
        for row in first:
            sheet.append([_cell(sheet, escape_cell(value)) for value in row])
        for row in rows:
            sheet.append([_cell(sheet, escape_cell(value)) for value in row])
        book.save(out)


def sheet_title(title: str) -> str:
    return (title or "Export").translate(SHEET_TITLE_REFUSED)[:SHEET_TITLE_MAX]


def column_widths(headers, rows) -> list[int]:
    widths = [len(str(header)) for header in headers]
    for row in rows:
        widths = [
            max(width, len(str(value)) if value is not None else 0) for width, value in zip(widths, row, strict=True)
        ]
    return [min(width + 2, COLUMN_WIDTH_MAX) for width in widths]


def _cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    """A cell keeping the value's type: text (with characters XLSX cannot hold removed), numbers, dates;
    a Decimal shows its places (`5.10`, not `5.1`)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal) and value.is_finite():
        places = max(-value.as_tuple().exponent, 0)
        cell.number_format = "0." + "0" * places if places else "0"
    if bold:
        cell.font = Font(bold=True)
    return cell


class ShopJSON(RowLimitMixin, base_formats.JSON):
    """Data, not a spreadsheet: no formula escaping."""

    def stream_export(self, headers, rows: Iterable, out, *, title: str = "") -> None:
        out.write(b"[")
        for index, row in enumerate(rows):
            out.write(
                (", " if index else "").encode()
                + json.dumps(dict(zip(headers, row, strict=True)), default=_plain).encode()
            )
        out.write(b"]")


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


#: The formats the back office offers for import and export, in this order.
FORMATS = [ShopCSV, ShopXLSX, ShopJSON]
