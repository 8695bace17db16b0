"""Reading uploaded tables (.csv UTF-8 with or without BOM, .xlsx) into rows of strings/dates,
and parsing cells. Shared by every import (organizations, the ledger)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, wrong header)."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (spreadsheet row, cells)


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    return value  # date / datetime stay typed


def read_table(
    fileobj: IO[bytes] | str | Path, filename: str | None = None, expected_header: list[str] | None = None
) -> Table:
    if isinstance(fileobj, (str, Path)):
        filename = filename or str(fileobj)
        with open(fileobj, "rb") as fh:
            data = fh.read()
    else:
        data = fileobj.read()
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        raw_rows = _read_xlsx(data)
    elif name.endswith(".csv") or not name:
        raw_rows = _read_csv(data)
    else:
        raise TableError("只支持 .csv（UTF-8）或 .xlsx 文件")
    if not raw_rows:
        raise TableError("文件是空的")
    header = [str(_clean(c)) for c in raw_rows[0]]
    while header and header[-1] == "":
        header.pop()
    if expected_header is not None:
        missing = [h for h in expected_header if h not in header]
        if missing:
            raise TableError(f"表头缺少列：{'，'.join(missing)}（应为：{','.join(expected_header)}）")
    table = Table(header=header)
    for index, raw in enumerate(raw_rows[1:], start=2):
        cells = [_clean(c) for c in raw]
        if all(c == "" for c in cells):
            continue
        table.rows.append((index, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}))
    return table


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError("CSV 文件须为 UTF-8 编码（可带 BOM）；请在 Excel 中另存为“CSV UTF-8”") from exc
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise TableError(f"无法读取 Excel 文件：{exc}") from exc
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def parse_date(value: Any) -> dt.date | None:
    """YYYY-MM-DD, YYYY/MM/DD, or an Excel date cell. Empty → None; anything else → ValueError."""
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"日期格式应为 YYYY-MM-DD：{text}")


def parse_int(value: Any, *, minimum: int = 0) -> int | None:
    if value in ("", None):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"应为整数：{value}") from exc
    if number < minimum:
        raise ValueError(f"不能小于 {minimum}：{value}")
    return number


def parse_decimal(value: Any) -> float | None:
    if value in ("", None):
        return None
    try:
        number = float(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"应为数字：{value}") from exc
    if number < 0:
        raise ValueError(f"不能为负数：{value}")
    return number


def write_xlsx(header: list[str], rows: list[list[Any]], sheet_title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(str(h)) * 2 + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
