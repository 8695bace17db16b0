"""Tables in and out. Reading uploaded tables (.csv UTF-8 with or without BOM, .xlsx) into rows of
strings/dates and parsing cells, shared by every import (organizations, the ledger, the member register);
and the one xlsx writer and the one CSV writer every export uses, formula-safe.

Reading is bounded, because any branch secretary may upload: the file's size, the decompressed size of
an .xlsx (checked by decompressing before openpyxl sees it, whatever the zip headers claim), the number
of rows and of columns. A file past a limit is refused with a message naming the limit, after reading
at most the limit — never the whole of a crafted file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, wrong header, past a limit)."""


# Limits of one uploaded table (a county's yearly ledger is a few thousand rows).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 120 * 1024 * 1024  # all parts of an .xlsx, decompressed
MAX_ROWS = 50_000  # data rows
MAX_COLUMNS = 64
MAX_BLANK_RUN = 1_000  # consecutive empty rows before more data


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (spreadsheet row, cells)


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()  # NUL: PostgreSQL text cannot hold it (fuzz finding)
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
            data = fh.read(MAX_FILE_BYTES + 1)
    else:
        data = fileobj.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TableError(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请分批导入")
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
    if len(header) > MAX_COLUMNS:
        raise TableError(f"表头超过 {MAX_COLUMNS} 列，请只保留模板中的列")
    table = Table(header=header)
    for index, raw in enumerate(raw_rows[1:], start=2):
        cells = [_clean(c) for c in raw]
        if all(c == "" for c in cells):
            continue
        table.rows.append((index, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}))
    return table


def _bounded_rows(rows: Iterable[Any]) -> list[list[Any]]:
    """The rows up to the limits: at most MAX_COLUMNS cells each and MAX_ROWS data rows. Blank rows
    count towards the rows read (a sheet stretched to a million rows stops after MAX_ROWS plus
    MAX_BLANK_RUN), and data after a run of more than MAX_BLANK_RUN blank rows is refused, not dropped."""
    out: list[list[Any]] = []
    blank_run = 0
    for number, raw in enumerate(rows, start=1):
        if number > MAX_ROWS + MAX_BLANK_RUN + 1:
            raise TableError(f"表格超过 {MAX_ROWS:,} 行（空行也计算在内），请删除空行或分批导入")
        row = raw[:MAX_COLUMNS] if raw else ()
        if row.count(None) + row.count("") == len(row):
            blank_run += 1
            if blank_run <= MAX_BLANK_RUN:
                out.append(list(row))
            continue
        if blank_run > MAX_BLANK_RUN:
            raise TableError(f"第 {number:,} 行之前有超过 {MAX_BLANK_RUN:,} 行空行，请删除空行后再导入")
        blank_run = 0
        if len(out) > MAX_ROWS:  # the header plus MAX_ROWS data rows are in ``out`` already
            raise TableError(f"数据超过 {MAX_ROWS:,} 行，请分批导入")
        out.append(list(row))
    while out and all(c in (None, "") for c in out[-1]):
        out.pop()
    return out


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError("CSV 文件须为 UTF-8 编码（可带 BOM）；请在 Excel 中另存为“CSV UTF-8”") from exc
    try:
        return _bounded_rows([_csv_text(c) for c in row] for row in csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        # csv's own message ("field larger than field limit", "line contains NUL") is English jargon
        raise TableError(
            "无法读取 CSV 文件：某一格内容过长或含有空字符（请在 Excel 中另存为“CSV UTF-8”后再上传）"
        ) from exc


# openpyxl's and zipfile's own words ("File is not a zip file") mean nothing to a branch secretary.
NOT_XLSX = "无法读取 Excel 文件：文件不是有效的 .xlsx 格式（请用 Excel 或 WPS“另存为”.xlsx 后再上传）"


def _check_unpacked_size(data: bytes) -> None:
    """Decompress every part (discarding the bytes) and stop past MAX_UNPACKED_BYTES: a zip bomb
    costs at most that much work, whatever sizes its headers declare."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = 0
            for info in zf.infolist():
                with zf.open(info) as part:
                    while chunk := part.read(1024 * 1024):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise TableError(
                                f"Excel 文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，"
                                "可能含有大量空白或隐藏内容；请另存为新文件或分批导入"
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise TableError(NOT_XLSX) from exc


def _csv_text(cell: str) -> str:
    """Undo ``write_csv``'s apostrophe before formula-like text."""
    return cell[1:] if cell.startswith("'") and formula_like(cell[1:]) else cell


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise TableError(NOT_XLSX) from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # ignore the declared size (A1:XFD1048576 would pad every row)
        return _bounded_rows(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    except TableError:
        raise
    except Exception as exc:
        raise TableError("无法读取 Excel 文件：工作表内容有误（请用 Excel 或 WPS“另存为”.xlsx 后再上传）") from exc
    finally:
        wb.close()


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


# --- writing: the one xlsx writer and the one CSV writer of every export ----------------------------
# A text cell starting with one of these is a formula to Excel/LibreOffice/WPS (CSV/formula injection,
# OWASP): exports write such cells as plain text — an explicit string cell in xlsx (the text shows
# unchanged), a leading apostrophe in CSV.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATE_FORMAT = "yyyy-mm-dd"


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


@dataclass
class Sheet:
    """One worksheet: an optional title row, a bold header, the rows.

    ``widths``: one width per column, one width for all, or None (from the header text).
    ``merged_caption``: the caption spans the header's width, bold 14pt, centred (a printed report);
    otherwise it is a plain first cell. ``boxed``: thin borders round header and rows, wrapped text,
    header centred (the ledger staff print). ``fill``: row → fill colour (RGB hex) or None."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str = ""
    merged_caption: bool = False
    widths: Sequence[float] | float | None = None
    boxed: bool = False
    freeze: str | None = None
    fill: Callable[[Sequence[Any]], str | None] | None = None


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1") -> bytes:
    """One sheet: a bold header and the rows, columns as wide as their header."""
    return write_workbook([Sheet(title=sheet_title, header=header, rows=rows)])


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for i, sheet in enumerate(sheets):
        _write_sheet(wb.active if i == 0 else wb.create_sheet(), sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append(ws, values: Sequence[Any]) -> int:
    """Append one row; formula-like text stays text; control characters that a worksheet cannot hold
    (openpyxl refuses them with IllegalCharacterError — e.g. pasted from another system) are dropped.
    Returns the row number."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    values = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
    ws.append(values)
    row = ws.max_row
    for column, value in enumerate(values, start=1):
        if formula_like(value):
            ws.cell(row=row, column=column).data_type = "s"
    return row


def _write_sheet(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws.title = sheet.title[:31]
    width = len(sheet.header)
    if sheet.caption:
        row = _append(ws, [sheet.caption])
        if sheet.merged_caption:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(1, width))
            ws.cell(row=row, column=1).font = Font(bold=True, size=14)
            ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    header_row = _append(ws, sheet.header)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        if sheet.boxed:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fills: dict[str, PatternFill] = {}
    for values in sheet.rows:
        row = _append(ws, values)
        colour = sheet.fill(values) if sheet.fill else None
        if colour:
            fill = fills.setdefault(colour, PatternFill("solid", fgColor=colour))
            for cell in ws[row]:
                cell.fill = fill
    if sheet.boxed:
        thin = Side(style="thin")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)
        for cells in ws.iter_rows(min_row=header_row, max_row=ws.max_row):
            for cell in cells:
                cell.border = box
                if cell.row > header_row:
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
                    if isinstance(cell.value, dt.date):
                        cell.number_format = XLSX_DATE_FORMAT
    for column, name in enumerate(sheet.header, start=1):
        if sheet.widths is None:
            w = max(10, len(str(name)) * 2 + 2)
        elif isinstance(sheet.widths, (int, float)):
            w = sheet.widths
        else:
            w = sheet.widths[column - 1]
        ws.column_dimensions[get_column_letter(column)].width = w
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (Excel opens it as UTF-8); dates ISO, None empty, formula-like text after an
    apostrophe (``read_table`` takes it off again, so an export re-imports unchanged)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in itertools.chain([header], rows):
        writer.writerow([_csv_cell(c) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if formula_like(value):
        return "'" + value
    return value
