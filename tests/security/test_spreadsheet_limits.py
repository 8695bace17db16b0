"""Reading an uploaded table is bounded (file size, decompressed size, rows, columns): crafted .xlsx
files that used to take seconds and gigabytes are read or refused within a bounded memory, with a
message naming the limit. (Their time is measured by ``bench/malicious_tables.py``, not asserted here.)"""

import io
import tracemalloc

import pytest

from bench.malicious_tables import HEADER, dimension_bomb, far_column_rows, far_row, replace_part, sheet_xml, xlsx_bytes
from bench.malicious_tables import whitespace_bomb as whitespace_xlsx
from recruitment import tabular
from recruitment.tabular import TableError, read_table


def bounded(fn):
    """Run fn; return (result or exception, peak MB of Python allocations meanwhile)."""
    tracemalloc.start()
    try:
        outcome = fn()
    except Exception as exc:  # noqa: BLE001 - the caller inspects it
        outcome = exc
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return outcome, peak


def test_a_declared_dimension_of_a_million_rows_does_not_pad_the_sheet():
    data = dimension_bomb()
    assert len(data) < 10_000
    table, peak = bounded(lambda: read_table(io.BytesIO(data), "t.xlsx", expected_header=HEADER))
    assert not isinstance(table, Exception), table
    assert [c for _, c in table.rows] == [{"编码": "X1", "名称": ""}]
    assert peak < 100


def test_one_cell_in_column_xfd_on_thousands_of_rows_reads_only_the_first_columns():
    data = far_column_rows(8000)
    table, peak = bounded(lambda: read_table(io.BytesIO(data), "t.xlsx", expected_header=HEADER))
    assert not isinstance(table, Exception), table
    assert table.rows == []  # nothing in the template's columns
    assert peak < 100


def test_compressed_whitespace_is_refused_by_its_decompressed_size(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    data = whitespace_xlsx(40)
    assert len(data) < 200_000
    outcome, peak = bounded(lambda: read_table(io.BytesIO(data), "t.xlsx"))
    assert isinstance(outcome, TableError) and "解压后超过 8 MB" in str(outcome)
    assert peak < 100


def test_a_sheet_stretched_to_a_million_rows_stops_at_the_row_limit():
    data = far_row()
    outcome, peak = bounded(lambda: read_table(io.BytesIO(data), "t.xlsx"))
    assert isinstance(outcome, TableError) and "表格超过 50,000 行（空行也计算在内）" in str(outcome)
    assert peak < 100


def test_too_many_rows_and_too_large_files_are_refused_naming_the_limit(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    csv = "编码,名称\n" + "".join(f"X{i},甲\n" for i in range(4))
    with pytest.raises(TableError, match="数据超过 3 行"):
        read_table(io.BytesIO(csv.encode()), "t.csv")
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)
    with pytest.raises(TableError, match="文件超过 1 MB"):
        read_table(io.BytesIO(b"x" * (1024 * 1024 + 1)), "t.csv")


def test_a_file_that_is_not_a_zip_says_so_in_plain_chinese():
    with pytest.raises(TableError) as exc:
        read_table(io.BytesIO(b"PK\x03\x04 broken"), "t.xlsx")
    assert "文件不是有效的 .xlsx 格式" in str(exc.value) and "zip" not in str(exc.value)


def test_data_after_more_than_a_thousand_blank_rows_is_refused_not_dropped():
    head = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>编码</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>名称</t></is></c></row>'
    )
    for gap, refused in [(1000, False), (1001, True)]:
        row = gap + 2
        rows = head + f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>X</t></is></c></row>'
        data = replace_part(xlsx_bytes([HEADER]), "xl/worksheets/sheet1.xml", sheet_xml(f"A1:B{row}", rows))
        if refused:
            with pytest.raises(TableError, match=f"第 {row:,} 行之前有超过 1,000 行空行"):
                read_table(io.BytesIO(data), "t.xlsx")
        else:
            assert [n for n, _ in read_table(io.BytesIO(data), "t.xlsx").rows] == [row]


def test_a_nul_character_in_a_cell_is_dropped_postgresql_text_cannot_hold_it():
    table = read_table(io.BytesIO("编码,名称\nX1,甲\x00乙\n".encode()), "t.csv", expected_header=HEADER)
    assert [c for _, c in table.rows] == [{"编码": "X1", "名称": "甲乙"}]
