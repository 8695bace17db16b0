"""The one xlsx writer and the one CSV writer (recruitment.tabular): text that a spreadsheet would run
as a formula (=, +, -, @, tab, CR first) comes out as plain text — an explicit string cell in xlsx
with the text unchanged, an apostrophe in front in CSV (OWASP CSV injection) that the reader takes
off again."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import Applicant
from recruitment.tabular import Sheet, read_table, write_csv, write_workbook, write_xlsx
from tests.applicants.people import placed

FORMULAS = ['=HYPERLINK("http://x","y")', "=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def cells(content: bytes, sheet: str | None = None):
    wb = load_workbook(io.BytesIO(content))
    return list((wb[sheet] if sheet else wb.active).iter_rows())


def test_xlsx_writes_formula_like_text_as_plain_strings():
    rows = [[f, 7] for f in FORMULAS] + [["王小明", dt.date(2026, 1, 2)]]
    table = cells(write_xlsx(["姓名", "数"], rows, "表"))
    assert [c.value for c in table[0]] == ["姓名", "数"]
    for formula, (text, number) in zip(FORMULAS, table[1:], strict=False):
        # (a lone CR may come back as LF, depending on how the XML is read: the cell is text either way)
        assert text.data_type == "s" and text.value in (formula, formula.replace("\r", "\n"))
        assert number.data_type == "n" and number.value == 7
    name, date = table[-1]
    assert name.value == "王小明" and date.value == dt.datetime(2026, 1, 2) and date.number_format == "yyyy-mm-dd"


def test_header_and_title_rows_are_neutralised_too():
    content = write_workbook([Sheet(title="一", caption="=1+2", header=["=A1"], rows=[["@x"]])])
    assert [(c[0].value, c[0].data_type) for c in cells(content)] == [("=1+2", "s"), ("=A1", "s"), ("@x", "s")]


def test_one_writer_does_titles_merged_headers_widths_fills_and_several_sheets():
    content = write_workbook(
        [
            Sheet(
                title="台账",
                caption="2026年度台账",
                merged_caption=True,
                header=["序号", "姓名", "日期"],
                rows=[[1, "甲", dt.date(2026, 1, 1)]],
                widths=[6, 10, 12],
                boxed=True,
                freeze="C3",
            ),
            Sheet(
                title="比例",
                caption="说明",
                header=["领域", "结果"],
                rows=[["农村", "未达标"], ["企业", "达标"]],
                widths=16,
                fill=lambda row: "F8D7DA" if row[1] == "未达标" else None,
            ),
        ]
    )
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["台账", "比例"]
    ledger, shares = wb["台账"], wb["比例"]
    assert (
        [str(r) for r in ledger.merged_cells.ranges] == ["A1:C1"] and ledger["A1"].font.b and ledger["A1"].font.sz == 14
    )
    assert ledger["A2"].font.b and ledger["A3"].border.left.style == "thin" and ledger.freeze_panes == "C3"
    assert [ledger.column_dimensions[c].width for c in "ABC"] == [6, 10, 12]
    assert not shares.merged_cells.ranges and not shares["A1"].font.b and shares["A2"].font.b
    assert shares["A3"].fill.fgColor.rgb == "00F8D7DA" and shares["A4"].fill.fill_type is None
    assert shares.column_dimensions["B"].width == 16


def test_csv_puts_an_apostrophe_before_formula_like_text_and_reading_takes_it_off():
    rows = [[f, -1, None, dt.date(2026, 1, 2)] for f in FORMULAS] + [["王小明", 3, "", "'引号"]]
    data = write_csv(["姓名", "数", "空", "日期"], rows)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert """'=HYPERLINK(""http://x"",""y"")",-1,,2026-01-02""" in text
    assert "'=1+2,-1,,2026-01-02" in text and "'@SUM(A1)" in text and "'+1" in text and "'-1" in text
    table = read_table(io.BytesIO(data), filename="x.csv")
    assert [c["姓名"] for _, c in table.rows] == [f.strip() for f in FORMULAS] + ["王小明"]
    assert table.rows[-1][1]["日期"] == "'引号"  # only the writer's own apostrophe is taken off


@pytest.fixture
def hostile(world):
    a = placed(world, step=3, name="人员")
    Applicant.objects.filter(pk=a.pk).update(name='=HYPERLINK("http://x","y")', household_registration="=1+2")
    return a


def test_exports_of_the_pages_keep_a_hostile_name_as_text(world, client_for, hostile):
    client = client_for(world.users.secretary)
    listed = cells(client.get(reverse("applicants:list"), {"export": "xlsx"}).content)
    assert (listed[1][0].value, listed[1][0].data_type) == ('=HYPERLINK("http://x","y")', "s")
    ledger = cells(client.get(reverse("ledger:export"), {"format": "xlsx"}).content)
    row = {h.value: c for h, c in zip(ledger[0], ledger[1], strict=True)}
    assert (row["姓名"].value, row["姓名"].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (row["户籍所在地"].value, row["户籍所在地"].data_type) == ("=1+2", "s")
    csv_text = client.get(reverse("ledger:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert """\n"'=HYPERLINK(""http://x"",""y"")",""" in csv_text and ",'=1+2," in csv_text


def test_xlsx_drops_control_characters_a_worksheet_cannot_hold():
    """A name pasted with a control character (\\x01, \\x1f) once made openpyxl raise
    IllegalCharacterError: the export failed with a server error."""
    table = cells(write_xlsx(["姓名"], [["王\x01小\x1f明"], ["=\x02SUM(A1)"]], "表"))
    assert table[1][0].value == "王小明"
    assert table[2][0].value == "=SUM(A1)" and table[2][0].data_type == "s"
