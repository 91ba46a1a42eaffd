"""Spreadsheet formula-injection escaping for exports (OWASP "CSV injection").

A text cell whose first non-blank character is `=`, `+`, `-` or `@` is prefixed with a single quote,
so spreadsheet programs show it as text instead of evaluating it. Leading spaces, tabs and line breaks
do not hide the trigger character. Plain numbers (`-5`, `+3.20`) are left alone: they cannot run
anything and must stay numbers for whoever sums the column. The import side strips the quote again,
so an exported file re-imports to the same values; an unquoted formula in an imported file is marked
(`FormulaCell`) and refused as a row error by `shop.core.importexport.ShopResource`.
"""

import re

TRIGGERS = ("=", "+", "-", "@")
BLANKS = " \t\r\n"
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def needs_escape(value: str) -> bool:
    stripped = value.lstrip(BLANKS)
    return stripped.startswith(TRIGGERS) and not PLAIN_NUMBER.match(stripped.rstrip(BLANKS))


def escape_cell(value):
    """Return `value` safe for a spreadsheet cell; non-text values (numbers, dates) pass unchanged."""
    if isinstance(value, str) and needs_escape(value):
        return "'" + value
    return value


class FormulaCell(str):
    """An imported text cell that a spreadsheet would evaluate: kept only to be reported as an error."""


def unescape_cell(value):
    """Undo `escape_cell` on import: drop the quote only where `escape_cell` would have added it.
    An unquoted formula is returned as a `FormulaCell`, for the resource to refuse."""
    if not isinstance(value, str):
        return value
    if value.startswith("'") and needs_escape(value[1:]):
        return value[1:]
    if needs_escape(value):
        return FormulaCell(value)
    return value


def _map_dataset(dataset, func):
    rows = [[func(cell) for cell in row] for row in dataset]
    del dataset[:]  # keeps the headers
    for row in rows:
        dataset.append(row)
    return dataset


class SafeExportMixin:
    """For an import-export format: escapes every text cell before the file is written, and unescapes
    cells read on import (the shop's formats are in shop.core.formats)."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_dataset(dataset, escape_cell), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _map_dataset(super().create_dataset(in_stream, **kwargs), unescape_cell)
