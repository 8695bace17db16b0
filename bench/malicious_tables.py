"""Crafted spreadsheets from the security probe of 2026-11-30, and their cost to the table reader.

    .venv/bin/python bench/malicious_tables.py      # one line per probe: outcome, seconds, RSS growth

Each probe runs in a fresh process so its memory growth is its own. Target: < 2 s and < 100 MB each.
The builders are shared with tests/security/test_spreadsheet_limits.py (which asserts memory, not time).
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HEADER = ["编码", "名称"]
_HEAD_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>编码</t></is></c><c r="B1" t="inlineStr"><is><t>名称</t></is></c></row>'
)


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The same .xlsx with one part's content replaced (deflated)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def sheet_xml(dimension: str, rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def _sheet(dimension: str, rows: str) -> bytes:
    return replace_part(xlsx_bytes([HEADER]), "xl/worksheets/sheet1.xml", sheet_xml(dimension, _HEAD_ROW + rows))


def dimension_bomb() -> bytes:
    """~2 KB declaring A1:XFD1048576 with one data row."""
    return _sheet("A1:XFD1048576", '<row r="2"><c r="A2" t="inlineStr"><is><t>X1</t></is></c></row>')


def far_column_rows(n: int = 8000) -> bytes:
    """n rows, each with one cell in column XFD (~40 KB)."""
    return _sheet(f"A1:XFD{n + 1}", "".join(f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(2, n + 2)))


def whitespace_bomb(mb: int = 200) -> bytes:
    """A sheet padded with ``mb`` MB of whitespace (compresses to ~0.2 MB per 200 MB)."""
    return replace_part(xlsx_bytes([HEADER]), "xl/worksheets/sheet1.xml", sheet_xml("A1:B1", " " * (mb << 20)))


def far_row() -> bytes:
    """One cell in the last row of the sheet, a million blank rows below the header."""
    return _sheet("A1:B1048576", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>X</t></is></c></row>')


PROBES = {"dimension_bomb": dimension_bomb, "far_column_rows": far_column_rows, "whitespace_bomb": whitespace_bomb,
          "far_row": far_row}  # fmt: skip


def _measure_one(name: str) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from recruitment.tabular import TableError, read_table

    data = PROBES[name]()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        table = read_table(io.BytesIO(data), "probe.xlsx")
        outcome = f"读取 {len(table.rows)} 行"
    except TableError as exc:
        outcome = f"拒绝：{exc}"
    seconds = time.perf_counter() - start
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {"probe": name, "bytes": len(data), "seconds": round(seconds, 3), "rss_growth_mb": round(growth_mb, 1),
            "outcome": outcome}  # fmt: skip


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure_one(sys.argv[2]), ensure_ascii=False))
        return 0
    failed = 0
    for name in PROBES:
        out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        ok = r["seconds"] < 2 and r["rss_growth_mb"] < 100
        failed += not ok
        print(f"{'OK ' if ok else 'MISS'} {r['probe']:<16} {r['bytes']:>8,} B  {r['seconds']:6.2f} s  "
              f"+{r['rss_growth_mb']:6.1f} MB  {r['outcome']}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
