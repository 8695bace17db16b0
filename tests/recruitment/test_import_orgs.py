"""import_orgs contract: CSV (BOM or not) and XLSX, parents after children, re-import updates,
bad rows reported by row number with nothing written."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from recruitment.models import Organization
from recruitment.tabular import write_xlsx

HEADER = "编码,名称,上级编码,层级,领域,成立日期"


def write(tmp_path, text, bom=False, name="orgs.csv"):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


GOOD = f"""{HEADER}
X0101,一村党支部,X01,党支部,农村（社区）,2001-03-01
X01,一镇党委,X,党委,,1956-07-01
X,某县委组织部,,组织部门,,
X0102,某公司党支部,X01,党支部,非公企业,2019/05/20
"""


@pytest.mark.parametrize("bom", [False, True])
def test_good_csv_imports_with_parents_after_children(db, tmp_path, bom):
    call_command("import_orgs", str(write(tmp_path, GOOD, bom=bom)))
    village = Organization.objects.get(code="X0101")
    assert village.parent.code == "X01" and village.parent.parent.code == "X"
    assert village.path.startswith(Organization.objects.get(code="X").path)
    assert Organization.objects.get(code="X0102").founded_on == dt.date(2019, 5, 20)


def test_xlsx_with_date_cells(db, tmp_path):
    data = write_xlsx(
        HEADER.split(","),
        [
            ["Y", "县委组织部", "", "组织部门", "", None],
            ["Y1", "支部", "Y", "党支部", "国有企业", dt.datetime(2010, 1, 2)],
        ],
    )
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(data)
    call_command("import_orgs", str(path))
    assert Organization.objects.get(code="Y1").founded_on == dt.date(2010, 1, 2)


def test_reimport_updates_by_code_never_duplicates(db, tmp_path):
    call_command("import_orgs", str(write(tmp_path, GOOD)))
    changed = GOOD.replace("一村党支部", "一村党总支改名").replace("X0102,某公司党支部,X01", "X0102,某公司党支部,X")
    call_command("import_orgs", str(write(tmp_path, changed)))
    assert Organization.objects.count() == 4
    assert Organization.objects.get(code="X0101").name == "一村党总支改名"
    moved = Organization.objects.get(code="X0102")
    assert moved.parent.code == "X" and moved.depth == 1


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(db, tmp_path, capsys):
    bad = f"""{HEADER}
Z,某县委组织部,,组织部门,,
Z1,镇党委,Z,党委,,
Z101,无领域支部,Z1,党支部,,2001-01-01
Z102,错日期支部,Z1,党支部,农村（社区）,2001-13-01
Z103,孤儿支部,NOPE,党支部,农村（社区）,
Z1,重复编码,Z,党委,,
Z104,层级错误,Z1,党小组,农村（社区）,
"""
    with pytest.raises(CommandError):
        call_command("import_orgs", str(write(tmp_path, bad)))
    err = capsys.readouterr().err
    assert "第 4 行【领域】" in err
    assert "第 5 行【成立日期】" in err
    assert "第 6 行【上级编码】找不到上级组织：NOPE" in err
    assert "第 7 行【编码】与第 3 行重复" in err
    assert "第 8 行【层级】" in err
    assert Organization.objects.count() == 0


def test_cycle_is_reported(db, tmp_path, capsys):
    cyc = f"""{HEADER}
C1,甲,C2,党委,,
C2,乙,C1,党委,,
"""
    with pytest.raises(CommandError):
        call_command("import_orgs", str(write(tmp_path, cyc)))
    assert "循环" in capsys.readouterr().err
    assert Organization.objects.count() == 0


def test_wrong_header_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="表头缺少列"):
        call_command("import_orgs", str(write(tmp_path, "code,name\nA,B\n")))


def test_browser_upload_by_department_staff(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users.department)
    upload = SimpleUploadedFile("o.csv", f"{HEADER}\nNEW1,新支部,A,党支部,农村（社区）,2020-01-01\n".encode())
    response = client.post("/org/orgs/import/", {"file": upload})
    assert response.status_code == 302
    assert Organization.objects.get(code="NEW1").parent == world.a

    bad = SimpleUploadedFile("o.csv", f"{HEADER}\nNEW2,新支部,A,党支部,,2020-01-01\n".encode())
    response = client.post("/org/orgs/import/", {"file": bad})
    assert response.status_code == 200
    assert "党支部必须填写领域" in response.content.decode()
    assert not Organization.objects.filter(code="NEW2").exists()


# --- optional column 最近发展党员日期 (go-live history for the stale scan) -----------------------------

WITH_LAST = HEADER + ",最近发展党员日期"


def test_a_file_without_the_optional_column_imports_as_before_and_keeps_entered_dates(db, tmp_path):
    call_command("import_orgs", str(write(tmp_path, GOOD)))
    assert Organization.objects.get(code="X0101").last_recruit_on is None
    Organization.objects.filter(code="X0101").update(last_recruit_on=dt.date(2021, 6, 1))
    call_command("import_orgs", str(write(tmp_path, GOOD.replace("一村党支部", "一村党支部（改名）"))))
    village = Organization.objects.get(code="X0101")
    assert village.name == "一村党支部（改名）" and village.last_recruit_on == dt.date(2021, 6, 1)


def test_last_recruit_date_imports_from_csv_and_xlsx_and_an_empty_cell_clears_it(db, tmp_path):
    text = f"""{WITH_LAST}
X,某县委组织部,,组织部门,,,
X01,一镇党委,X,党委,,1956-07-01,
X0101,一村党支部,X01,党支部,农村（社区）,1958-10-01,2019/07/01
X0102,二村党支部,X01,党支部,农村（社区）,1965-03-01,
"""
    call_command("import_orgs", str(write(tmp_path, text)))
    assert Organization.objects.get(code="X0101").last_recruit_on == dt.date(2019, 7, 1)
    assert Organization.objects.get(code="X0102").last_recruit_on is None
    call_command("import_orgs", str(write(tmp_path, text.replace("2019/07/01", ""))))
    assert Organization.objects.get(code="X0101").last_recruit_on is None
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(
        write_xlsx(
            WITH_LAST.split(","),
            [["X0102", "二村党支部", "X01", "党支部", "农村（社区）", None, dt.datetime(2024, 5, 4)]],
        )
    )
    call_command("import_orgs", str(path))
    assert Organization.objects.get(code="X0102").last_recruit_on == dt.date(2024, 5, 4)


def test_bad_last_recruit_dates_are_refused_by_row_and_column_and_nothing_is_written(db, tmp_path, capsys):
    today = dt.date(2026, 11, 22)  # the frozen clock (tests/clock.py)
    bad = f"""{WITH_LAST}
Z,某县委组织部,,组织部门,,,
Z1,镇党委,Z,党委,,1956-07-01,2020-01-01
Z101,格式错,Z1,党支部,农村（社区）,1970-01-01,2020年1月
Z102,晚于今天,Z1,党支部,农村（社区）,1970-01-01,2026-11-23
Z103,早于成立,Z1,党支部,农村（社区）,2001-05-01,2001-04-30
Z104,今天,Z1,党支部,农村（社区）,2001-05-01,{today}
Z105,成立当日,Z1,党支部,农村（社区）,2001-05-01,2001-05-01
"""
    with pytest.raises(CommandError):
        call_command("import_orgs", str(write(tmp_path, bad)))
    err = capsys.readouterr().err
    assert "第 3 行【最近发展党员日期】只有党支部填写（本行层级为党委）" in err
    assert "第 4 行【最近发展党员日期】日期格式应为 YYYY-MM-DD：2020年1月" in err
    assert "第 5 行【最近发展党员日期】不能晚于今天（2026-11-22）：2026-11-23" in err
    assert "第 6 行【最近发展党员日期】不能早于成立日期 2001-05-01：2001-04-30" in err
    # today and the founding day itself are fine
    assert "第 7 行【最近发展党员日期】" not in err and "第 8 行【最近发展党员日期】" not in err
    assert Organization.objects.count() == 0


def test_org_export_carries_the_column_and_reimports_unchanged(world, client_for, tmp_path):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    world.a1.last_recruit_on = dt.date(2022, 9, 9)
    world.a1.save()
    response = client_for(world.users.department).get(reverse("recruitment:org_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == WITH_LAST.split(",")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    call_command("import_orgs", str(path))
    a1 = Organization.objects.get(code="A1")
    assert a1.last_recruit_on == dt.date(2022, 9, 9) and a1.founded_on == dt.date(1990, 1, 1)
