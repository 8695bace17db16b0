"""The ledger import contract: command, JSON shape, rules decidable from columns, INPUT errors,
file formats, re-import and dry-run."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applicants.ledger import LEDGER_HEADER
from applicants.models import Applicant, Event, StepRecord, Training
from recruitment.idcard import make_id_number
from recruitment.models import PartyMember
from tests.clock import TODAY as CLOCK_TODAY

from .ledger_samples import HEADER, sample_rows

D = dt.date
TODAY = CLOCK_TODAY.isoformat()


def row(**cells):
    """A valid row for a person in branch A1 who has reached step 1; override any cell."""
    base = {h: "" for h in HEADER}
    birth = cells.pop("birth", D(1995, 3, 10))
    gender = cells.get("性别", "男")
    base.update(
        {
            "姓名": "王小明",
            "性别": gender,
            "民族": "汉族",
            "出生日期": birth.isoformat(),
            "公民身份号码": make_id_number(birth, gender),
            "学历": "大学本科",
            "职业": "农牧渔民",
            "是否生产工作一线": "是",
            "户籍所在地": "甲村",
            "党组织编码": "A1",
            "申请入党日期": "2022-01-10",
        }
    )
    base.update(cells)
    return base


def full(**cells):
    """A row that reached step 24 and passes every rule."""
    values = {
        "谈话日期": "2022-02-01",
        "确定积极分子日期": "2022-04-01",
        "确定发展对象日期": "2023-04-01",
        "集中培训学时": "24",
        "支部大会日期": "2023-07-01",
        "应到会有表决权人数": "10",
        "实到会有表决权人数": "6",
        "赞成票数": "6",
        "上级党委审批日期": "2023-10-01",
        "转正支部大会日期": "2024-07-01",
        "转正审批日期": "2024-08-01",
    }
    values.update(cells)
    return row(**values)


def write(tmp_path, rows, *, name="ledger.csv", bom=True, header=HEADER):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_ledger", str(path), "--format", "json", "--today", TODAY, *args, stdout=out)
    return json.loads(out.getvalue())


def errors_of(result, n=0):
    return [(e["rule"], e["field"]) for e in result["rows"][n]["errors"]]


# --- the good file and the JSON shape ------------------------------------------------------------
def test_a_good_file_imports_every_row_and_prints_only_the_json_object(world, tmp_path):
    path = write(
        tmp_path, [row(), full(姓名="李四", 公民身份号码=make_id_number(D(1990, 6, 1), "男"), birth=D(1990, 6, 1))]
    )
    out = io.StringIO()
    call_command("import_ledger", str(path), "--format", "json", "--today", TODAY, stdout=out)
    result = json.loads(out.getvalue())  # stdout holds only the JSON
    assert result == {
        "imported": 2,
        "rows": [
            {"row": 2, "ok": True, "errors": [], "warnings": []},
            {"row": 3, "ok": True, "errors": [], "warnings": []},
        ],
    }
    a, b = Applicant.objects.order_by("id")
    assert a.current_step == 1 and a.applied_on == D(2022, 1, 10) and a.frontline
    assert b.current_step == 24 and b.admitted_on == D(2023, 10, 1) and b.probation_end == D(2024, 7, 1)
    assert (
        b.admitted_sector == "农村（社区）"
        and b.member.status == "正式党员"
        and b.member.full_member_since == D(2024, 7, 1)
    )
    assert list(StepRecord.objects.filter(applicant=b).values_list("step", flat=True)) == list(range(1, 25))


def test_steps_between_dated_columns_are_recorded_as_implied_with_the_next_date(world, tmp_path):
    run(write(tmp_path, [full()]))
    b = Applicant.objects.get()
    implied = StepRecord.objects.filter(applicant=b, data__implied=True)
    assert sorted(implied.values_list("step", flat=True)) == [4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 16, 18, 19, 20, 21, 22]
    assert implied.get(step=6).date == D(2023, 4, 1) and implied.get(step=16).date == D(2023, 10, 1)
    assert not StepRecord.objects.filter(applicant=b).exclude(warnings=[]).exists()
    assert StepRecord.objects.get(applicant=b, step=15).data["yes_votes"] == 6
    assert Training.objects.get(applicant=b).hours == 24


def test_imported_rows_are_attributed_to_the_importing_user(world, tmp_path):
    run(write(tmp_path, [full()]), "--user", world.users.secretary.username)
    b = Applicant.objects.get()
    assert b.created_by == world.users.secretary
    assert set(StepRecord.objects.filter(applicant=b).values_list("actor", flat=True)) == {world.users.secretary.pk}
    assert Event.objects.get(applicant=b).actor == world.users.secretary
    assert b.history.first().history_user == world.users.secretary


def test_text_output_is_a_chinese_summary(world, tmp_path):
    out = io.StringIO()
    call_command("import_ledger", str(write(tmp_path, [row(), row(学历="本科")])), "--today", TODAY, stdout=out)
    text = out.getvalue()
    assert "导入完成：共 2 行，有效 1 行" in text and "第 3 行" in text and "有错误 1 行未写入" in text


# --- rules decidable from the columns, at their boundaries -------------------------------------------
@pytest.mark.parametrize("applied, ok", [("2022-05-09", False), ("2022-05-10", True)])
def test_r1_age_on_the_application_date(world, tmp_path, applied, ok):
    result = run(write(tmp_path, [row(birth=D(2004, 5, 10), 申请入党日期=applied)]))
    assert result["rows"][0]["ok"] is ok
    if not ok:
        assert (
            errors_of(result) == [("R1", "申请入党日期")] and "还差 1 天" in result["rows"][0]["errors"][0]["message"]
        )


def test_r1_29_february_birthday_in_a_common_year(world, tmp_path):
    result = run(
        write(
            tmp_path,
            [
                row(birth=D(2004, 2, 29), 申请入党日期="2022-02-28"),
                row(birth=D(2004, 2, 29), 申请入党日期="2022-03-01", 公民身份号码=make_id_number(D(2004, 2, 29), "男")),
            ],
        )
    )
    assert [r["ok"] for r in result["rows"]] == [False, True]


@pytest.mark.parametrize(
    "applied, talked, warned",
    [("2023-01-31", "2023-02-28", False), ("2023-01-31", "2023-03-01", True), ("2024-01-31", "2024-02-29", False)],
)
def test_r2_late_talk_is_a_warning_not_an_error(world, tmp_path, applied, talked, warned):
    result = run(write(tmp_path, [row(申请入党日期=applied, 谈话日期=talked)]))
    r = result["rows"][0]
    assert r["ok"] and result["imported"] == 1
    assert [(w["rule"], w["field"]) for w in r["warnings"]] == ([("R2", "谈话日期")] if warned else [])
    if warned:
        assert "R2 细则（2014）第七条" in r["warnings"][0]["message"] and "已超期 1 天" in r["warnings"][0]["message"]
        assert StepRecord.objects.get(step=2).warnings[0]["rule"] == "R2"


def test_r3_a_date_before_the_previous_column_is_refused(world, tmp_path):
    result = run(
        write(
            tmp_path,
            [row(谈话日期="2022-01-09"), row(谈话日期="2022-01-10", 公民身份号码=make_id_number(D(1995, 3, 10), "男"))],
        )
    )
    assert (
        errors_of(result, 0) == [("R3", "谈话日期")] and "早于上一步骤日期" in result["rows"][0]["errors"][0]["message"]
    )
    assert result["rows"][1]["ok"]


def test_r3_a_later_column_without_an_earlier_one_is_refused(world, tmp_path):
    result = run(write(tmp_path, [row(确定积极分子日期="2022-04-01")]))
    assert (
        errors_of(result) == [("R3", "确定积极分子日期")]
        and "须先填写谈话日期" in result["rows"][0]["errors"][0]["message"]
    )


def test_r3_a_date_after_today_is_refused(world, tmp_path):
    result = run(write(tmp_path, [row(申请入党日期="2026-11-23")]))
    assert errors_of(result) == [("R3", "申请入党日期")]


@pytest.mark.parametrize(
    "activist, candidate, missing",
    [
        ("2022-04-01", "2023-03-31", 1),
        ("2022-04-01", "2023-04-01", None),
        ("2024-02-29", "2025-02-28", 1),
        ("2024-02-29", "2025-03-01", None),
    ],
)
def test_r6_one_year_as_activist(world, tmp_path, activist, candidate, missing):
    result = run(
        write(
            tmp_path,
            [
                row(
                    申请入党日期="2022-01-10",
                    谈话日期="2022-02-01",
                    确定积极分子日期=activist,
                    确定发展对象日期=candidate,
                )
            ],
        )
    )
    if missing is None:
        assert result["rows"][0]["ok"]
        assert Applicant.objects.get().candidate_on.isoformat() == candidate
        return
    assert errors_of(result) == [("R6", "确定发展对象日期")]
    message = result["rows"][0]["errors"][0]["message"]
    assert "R6 细则（2014）第十三条" in message and "还差 1 天" in message


@pytest.mark.parametrize("hours, ok", [("23.5", False), ("", False), ("24", True), ("24.0", True)])
def test_r9_training_hours_before_the_branch_meeting(world, tmp_path, hours, ok):
    result = run(write(tmp_path, [full(集中培训学时=hours, 上级党委审批日期="", 转正支部大会日期="", 转正审批日期="")]))
    assert result["rows"][0]["ok"] is ok
    if not ok:
        assert errors_of(result) == [("R9", "集中培训学时")]
        assert f"还差 {24 - float(hours or 0):g} 学时" in result["rows"][0]["errors"][0]["message"]


@pytest.mark.parametrize(
    "expected, attending, yes, column",
    [
        ("10", "5", "5", "实到会有表决权人数"),
        ("10", "6", "5", "赞成票数"),
        ("10", "6", "6", None),
        ("", "6", "6", "应到会有表决权人数"),
    ],
)
def test_r11_branch_meeting_majorities(world, tmp_path, expected, attending, yes, column):
    result = run(write(tmp_path, [full(应到会有表决权人数=expected, 实到会有表决权人数=attending, 赞成票数=yes)]))
    if column is None:
        assert result["rows"][0]["ok"]
        return
    assert ("R11", column) in errors_of(result) and {r for r, _ in errors_of(result)} == {"R11"}


@pytest.mark.parametrize(
    "approved, outcome", [("2023-10-01", "ok"), ("2023-10-02", "warn"), ("2024-01-01", "warn"), ("2024-01-02", "error")]
)
def test_r12_approval_within_three_months_warn_until_six(world, tmp_path, approved, outcome):
    result = run(write(tmp_path, [full(上级党委审批日期=approved, 转正支部大会日期="", 转正审批日期="")]))
    r = result["rows"][0]
    if outcome == "error":
        assert errors_of(result) == [("R12", "上级党委审批日期")]
    else:
        assert r["ok"] and [w["rule"] for w in r["warnings"]] == ([] if outcome == "ok" else ["R12"])


def test_r12_conversion_approval_names_its_own_column(world, tmp_path):
    result = run(write(tmp_path, [full(转正审批日期="2025-01-02")]))
    assert errors_of(result) == [("R12", "转正审批日期")]


@pytest.mark.parametrize(
    "meeting, conversion, ok",
    [
        ("2023-07-01", "2024-06-30", False),
        ("2023-07-01", "2024-07-01", True),
        ("2024-02-29", "2025-02-28", False),
        ("2024-02-29", "2025-03-01", True),
    ],
)
def test_r14_conversion_meeting_not_before_the_end_of_probation(world, tmp_path, meeting, conversion, ok):
    meeting_date = D.fromisoformat(meeting)
    result = run(
        write(
            tmp_path,
            [
                full(
                    确定发展对象日期=(meeting_date - dt.timedelta(days=60)).isoformat(),
                    确定积极分子日期=(meeting_date - dt.timedelta(days=500)).isoformat(),
                    谈话日期=(meeting_date - dt.timedelta(days=550)).isoformat(),
                    申请入党日期=(meeting_date - dt.timedelta(days=560)).isoformat(),
                    支部大会日期=meeting,
                    上级党委审批日期=(meeting_date + dt.timedelta(days=30)).isoformat(),
                    转正支部大会日期=conversion,
                    转正审批日期="",
                )
            ],
        )
    )
    assert result["rows"][0]["ok"] is ok, result
    if not ok:
        assert (
            errors_of(result) == [("R14", "转正支部大会日期")]
            and "还差 1 天" in result["rows"][0]["errors"][0]["message"]
        )


# --- INPUT errors per column -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cells, column",
    [
        ({"姓名": ""}, "姓名"),
        ({"性别": "男性"}, "性别"),
        ({"民族": ""}, "民族"),
        ({"出生日期": "1995.03.10"}, "出生日期"),
        ({"公民身份号码": "61058119950310001"}, "公民身份号码"),
        ({"学历": "本科"}, "学历"),
        ({"职业": "农民"}, "职业"),
        ({"是否生产工作一线": "Y"}, "是否生产工作一线"),
        ({"党组织编码": "NOPE"}, "党组织编码"),
        ({"党组织编码": "A"}, "党组织编码"),  # a committee, not a 党支部
        ({"申请入党日期": "2022-13-01"}, "申请入党日期"),
        ({"申请入党日期": ""}, "申请入党日期"),
        ({"谈话日期": "明天"}, "谈话日期"),
        ({"集中培训学时": "-1"}, "集中培训学时"),
        ({"集中培训学时": "二十"}, "集中培训学时"),
        ({"应到会有表决权人数": "10.5"}, "应到会有表决权人数"),
        ({"赞成票数": "6"}, "赞成票数"),  # votes without a branch meeting date
    ],
)
def test_malformed_cells_are_input_errors_naming_the_column(world, tmp_path, cells, column):
    result = run(write(tmp_path, [row(**cells)]))
    assert ("INPUT", column) in errors_of(result) and result["imported"] == 0
    assert not Applicant.objects.exists()


def test_id_number_with_a_bad_checksum_is_an_input_error(world, tmp_path):
    good = make_id_number(D(1995, 3, 10), "男")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    result = run(write(tmp_path, [row(公民身份号码=bad)]))
    assert errors_of(result) == [("INPUT", "公民身份号码")] and "校验码" in result["rows"][0]["errors"][0]["message"]


@pytest.mark.parametrize("cells, text", [({"出生日期": "1995-03-11"}, "出生日期"), ({"性别": "女"}, "性别")])
def test_birth_date_or_gender_different_from_the_id_number_is_an_input_error(world, tmp_path, cells, text):
    idn = make_id_number(D(1995, 3, 10), "男")
    result = run(write(tmp_path, [row(公民身份号码=idn, **cells)]))
    assert errors_of(result) == [("INPUT", "公民身份号码")] and text in result["rows"][0]["errors"][0]["message"]


def test_the_same_person_twice_in_one_file_is_an_error_on_the_second_row(world, tmp_path):
    r = row()
    result = run(write(tmp_path, [r, dict(r)]))
    assert result["rows"][0]["ok"] and errors_of(result, 1) == [("INPUT", "公民身份号码")]
    assert Applicant.objects.count() == 1


def test_a_secretary_may_import_only_rows_of_their_own_branch(world, tmp_path):
    result = run(
        write(tmp_path, [row(), row(党组织编码="B1", 公民身份号码=make_id_number(D(1995, 3, 10), "男"))]),
        "--user",
        world.users.secretary.username,
    )
    assert result["rows"][0]["ok"] and errors_of(result, 1) == [("INPUT", "党组织编码")]
    assert "不在您的管辖范围内" in result["rows"][1]["errors"][0]["message"]


def test_an_inspector_cannot_import(world, tmp_path):
    with pytest.raises(CommandError, match="无权"):
        run(write(tmp_path, [row()]), "--user", world.users.inspector.username)


# --- files ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_or_without_bom(world, tmp_path, bom):
    assert run(write(tmp_path, [row()], bom=bom))["imported"] == 1


def test_xlsx_with_date_cells_and_slashed_dates(world, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(LEDGER_HEADER)
    r = full()
    values = [r.get(h, "") for h in LEDGER_HEADER]
    values[LEDGER_HEADER.index("出生日期")] = dt.datetime(1995, 3, 10)
    values[LEDGER_HEADER.index("申请入党日期")] = dt.datetime(2022, 1, 10)
    values[LEDGER_HEADER.index("谈话日期")] = "2022/02/01"
    values[LEDGER_HEADER.index("集中培训学时")] = 24
    values[LEDGER_HEADER.index("应到会有表决权人数")] = 10
    ws.append(values)
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    result = run(path)
    assert result["rows"][0]["ok"], result
    a = Applicant.objects.get()
    assert a.applied_on == D(2022, 1, 10) and a.talked_on == D(2022, 2, 1) and a.current_step == 24


@pytest.mark.parametrize("header", [HEADER[:-1], ["name"] + HEADER[1:]])
def test_a_wrong_header_is_an_unreadable_file(world, tmp_path, header):
    path = write(tmp_path, [row()], header=header)
    with pytest.raises(CommandError, match="表头"):
        run(path)
    assert not Applicant.objects.exists()


def test_a_missing_file_is_a_command_error(world, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run(tmp_path / "none.csv")


# --- writes: errors, dry-run, re-import -----------------------------------------------------------------
def test_a_row_with_an_error_writes_nothing_and_valid_rows_still_import(world, tmp_path):
    bad = full(转正支部大会日期="2024-06-30", 公民身份号码=make_id_number(D(1990, 1, 1), "男"), birth=D(1990, 1, 1))
    result = run(write(tmp_path, [bad, row()]))
    assert [r["ok"] for r in result["rows"]] == [False, True] and result["imported"] == 1
    assert Applicant.objects.count() == 1 and not PartyMember.objects.filter(id_number=bad["公民身份号码"]).exists()
    assert StepRecord.objects.count() == 1


def test_dry_run_writes_nothing(world, tmp_path):
    result = run(
        write(tmp_path, [row(), full(公民身份号码=make_id_number(D(1990, 1, 1), "男"), birth=D(1990, 1, 1))]),
        "--dry-run",
    )
    assert result == {
        "imported": 0,
        "rows": [
            {"row": 2, "ok": True, "errors": [], "warnings": []},
            {"row": 3, "ok": True, "errors": [], "warnings": []},
        ],
    }
    assert not Applicant.objects.exists() and not Event.objects.exists() and not StepRecord.objects.exists()


def test_reimport_updates_attributes_and_appends_later_steps_without_duplicating(world, tmp_path):
    first = row(谈话日期="2022-02-01")
    run(write(tmp_path, [first]))
    a = Applicant.objects.get()
    later = dict(first, 学历="研究生", 确定积极分子日期="2022-04-01", 确定发展对象日期="2023-04-01")
    result = run(write(tmp_path, [later], name="again.csv"))
    assert result["rows"][0]["ok"] and Applicant.objects.count() == 1
    a.refresh_from_db()
    assert a.education == "研究生" and a.current_step == 7 and a.candidate_on == D(2023, 4, 1)
    assert list(StepRecord.objects.filter(applicant=a).values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert "修改信息：学历" in Event.objects.filter(applicant=a).last().message


def test_reimport_of_the_same_file_changes_nothing(world, tmp_path):
    path = write(tmp_path, [full()])
    run(path)
    counts = (StepRecord.objects.count(), Event.objects.count(), Training.objects.count(), PartyMember.objects.count())
    assert run(path)["rows"][0]["ok"]
    assert (
        StepRecord.objects.count(),
        Event.objects.count(),
        Training.objects.count(),
        PartyMember.objects.count(),
    ) == counts


def test_reimport_with_a_different_date_for_a_recorded_step_is_refused(world, tmp_path):
    first = row(谈话日期="2022-02-01")
    run(write(tmp_path, [first]))
    result = run(write(tmp_path, [dict(first, 谈话日期="2022-02-02")], name="again.csv"))
    assert (
        errors_of(result) == [("INPUT", "谈话日期")]
        and "系统中已登记为 2022-02-01" in result["rows"][0]["errors"][0]["message"]
    )
    assert Applicant.objects.get().talked_on == D(2022, 2, 1)


def test_reimport_into_another_branch_is_refused(world, tmp_path):
    first = row()
    run(write(tmp_path, [first]))
    result = run(write(tmp_path, [dict(first, 党组织编码="A2")], name="again.csv"))
    assert errors_of(result) == [("INPUT", "党组织编码")] and "转接" in result["rows"][0]["errors"][0]["message"]


def test_reimport_judges_new_steps_from_the_recorded_state(world, tmp_path):
    first = row(谈话日期="2022-02-01", 确定积极分子日期="2022-04-01")
    run(write(tmp_path, [first]))
    result = run(write(tmp_path, [dict(first, 确定发展对象日期="2023-03-31")], name="again.csv"))
    assert errors_of(result) == [("R6", "确定发展对象日期")]


def test_rows_are_judged_in_memory_and_written_in_batches(world, tmp_path):
    """A fixed handful of reads whatever the row count; writes grow with batches, not with rows
    (SQLite's parameter limit makes its batches smaller than PostgreSQL's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = write(tmp_path, sample_rows(400, ["A1", "A2", "B1"], seed=3))
    with CaptureQueriesContext(connection) as ctx:
        result = run(path)
    assert result["imported"] == 400, [r for r in result["rows"] if not r["ok"]][:3]
    reads = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) <= 6
    assert len(ctx.captured_queries) < 400 / 3


def test_an_import_marks_the_branches_it_wrote_and_refreshes_copies_of_the_people(world, tmp_path):
    """No signals in bulk: the import adds the change marks itself (recruitment.changes), so the cached
    pages of the branch, its committee and the department are drawn anew."""
    from recruitment import changes

    orgs = (world.root, world.a, world.a1, world.b1)
    before = [changes.mark(changes.org_scope(o.pk)) for o in orgs]
    run(write(tmp_path, [row()]))
    after = [changes.mark(changes.org_scope(o.pk)) for o in orgs]
    assert [x != y for x, y in zip(before, after, strict=True)] == [True, True, True, False]
