"""The 台账 contract's optional columns (issue 13): each judged by the rule set of its date; a 2026-era row
without the column a 2026 rule needs gets a warning naming it; files without them import as before."""

import datetime as dt

import pytest

from applicants.ledger import LEDGER_HEADER, REQUIRED_HEADER
from applicants.models import Applicant, StepRecord
from recruitment.idcard import make_id_number

from .test_ledger_import import row, run, write

D = dt.date


def listed(listing: str, **cells):
    """Activist 2025-05-01, listed as 发展对象 on ``listing``."""
    values = {"谈话日期": "2025-03-01", "确定积极分子日期": "2025-05-01", "确定发展对象日期": listing}
    values.update(cells)
    return row(申请入党日期="2025-02-10", **values)


def rules(result, kind="errors"):
    return [(e["rule"], e["field"]) for e in result["rows"][0][kind]]


def test_the_header_appends_the_optional_columns_after_the_old_ones():
    assert LEDGER_HEADER[: len(REQUIRED_HEADER)] == REQUIRED_HEADER and len(LEDGER_HEADER) == len(REQUIRED_HEADER) + 15


def test_a_2026_listing_with_consent_and_five_working_days_of_publicity_completes_step_8(world, tmp_path):
    cells = {
        "上级党委同意日期": "2026-06-01",
        "发展对象公示开始日期": "2026-06-02",
        "发展对象公示结束日期": "2026-06-08",
    }
    result = run(write(tmp_path, [listed("2026-06-09", **cells)], header=LEDGER_HEADER))
    assert result["imported"] == 1 and rules(result) == []
    a = Applicant.objects.get()
    assert a.current_step == 8 and a.candidate_on == D(2026, 6, 9)
    assert StepRecord.objects.get(applicant=a, step=8).date == D(2026, 6, 1)


def test_four_working_days_of_publicity_are_refused(world, tmp_path):
    cells = {
        "上级党委同意日期": "2026-06-01",
        "发展对象公示开始日期": "2026-06-03",
        "发展对象公示结束日期": "2026-06-08",
    }
    result = run(write(tmp_path, [listed("2026-06-09", **cells)], header=LEDGER_HEADER))
    assert result["imported"] == 0 and ("R25", "确定发展对象日期") in rules(result)


def test_a_2026_listing_without_the_columns_warns_naming_the_missing_facts(world, tmp_path):
    result = run(write(tmp_path, [listed("2026-06-09")]))  # the old header: no optional column at all
    assert result["imported"] == 1
    warned = {w["rule"] for w in result["rows"][0]["warnings"]}
    assert {"R25", "R26"} <= warned
    assert any("台账未填写上级党委同意日期" in w["message"] for w in result["rows"][0]["warnings"])


def test_the_same_row_listed_the_day_before_2026_05_11_needs_no_consent(world, tmp_path):
    result = run(write(tmp_path, [listed("2026-05-10")]))
    assert result["imported"] == 1 and not {"R25", "R26"} & {w["rule"] for w in result["rows"][0]["warnings"]}
    assert Applicant.objects.get().current_step == 7


def admitted(meeting: str, approval: str, **cells):
    values = {
        "谈话日期": "2022-02-01", "确定积极分子日期": "2022-04-01", "确定发展对象日期": "2023-04-01",
        "集中培训学时": "24", "支部大会日期": meeting, "应到会有表决权人数": "10", "实到会有表决权人数": "8",
        "赞成票数": "8", "上级党委审批日期": approval,
    }  # fmt: skip
    values.update(cells)
    return row(**values)


@pytest.mark.parametrize("attending, ok", [("3", False), ("4", True)])
def test_the_committees_quorum_is_judged_when_its_columns_are_filled(world, tmp_path, attending, ok):
    cells = {"党委应到会委员数": "7", "党委实到会委员数": attending, "党委同意票数": attending}
    result = run(write(tmp_path, [admitted("2023-07-01", "2023-08-01", **cells)], header=LEDGER_HEADER))
    assert (result["imported"] == 1) == ok
    if not ok:
        assert ("R21", "党委实到会委员数") in rules(result)


def test_a_2026_approval_without_the_committees_votes_is_warned_an_older_one_is_not(world, tmp_path):
    old = run(write(tmp_path, [admitted("2023-07-01", "2023-08-01")]))
    assert old["imported"] == 1 and "R21" not in {w["rule"] for w in old["rows"][0]["warnings"]}
    new = admitted("2026-07-01", "2026-08-01", 公民身份号码=make_id_number(D(1990, 6, 1), "男"), 出生日期="1990-06-01")
    result = run(write(tmp_path, [new]))
    assert result["imported"] == 1 and any(w["rule"] == "R21" for w in result["rows"][0]["warnings"])


@pytest.mark.parametrize("pre_review, warned", [("2026-06-01", False), ("2026-05-31", True)])
def test_the_branch_meeting_within_a_month_of_pre_review_is_judged_from_its_column(world, tmp_path, pre_review, warned):
    cells = {"预审合格日期": pre_review}
    result = run(write(tmp_path, [admitted("2026-07-01", "2026-07-20", **cells)], header=LEDGER_HEADER))
    assert result["imported"] == 1
    assert ("R27" in {w["rule"] for w in result["rows"][0]["warnings"]}) == warned


def test_a_show_of_hands_in_the_ledger_is_refused_since_2014(world, tmp_path):
    result = run(write(tmp_path, [admitted("2023-07-01", "2023-08-01", 表决方式="举手表决")], header=LEDGER_HEADER))
    assert result["imported"] == 0 and ("R11", "表决方式") in rules(result)


def test_written_opinions_count_among_the_votes(world, tmp_path):
    cells = {"实到会有表决权人数": "6", "赞成票数": "4", "会前书面意见赞成数": "2"}
    result = run(write(tmp_path, [admitted("2023-07-01", "2023-08-01", **cells)], header=LEDGER_HEADER))
    assert result["imported"] == 1
    assert StepRecord.objects.get(step=15).data["written_yes"] == 2


@pytest.mark.parametrize("yes, ok", [("5", False), ("6", True)])
def test_the_conversion_meetings_votes_are_judged_at_exactly_half(world, tmp_path, yes, ok):
    cells = {
        "转正支部大会日期": "2024-07-01", "转正应到会有表决权人数": "10", "转正实到会有表决权人数": "8", "转正赞成票数": yes,
    }  # fmt: skip
    result = run(write(tmp_path, [admitted("2023-07-01", "2023-08-01", **cells)], header=LEDGER_HEADER))
    assert (result["imported"] == 1) == ok
    if not ok:
        assert ("R11", "转正赞成票数") in rules(result)


def test_export_then_import_of_the_full_header_changes_nothing(world, tmp_path, client_for):
    import io

    from applicants.ledger import ledger_export
    from recruitment.tabular import read_table

    cells = {
        "上级党委同意日期": "2026-06-01",
        "发展对象公示开始日期": "2026-06-02",
        "发展对象公示结束日期": "2026-06-08",
    }
    run(write(tmp_path, [listed("2026-06-09", **cells)], header=LEDGER_HEADER))
    data = ledger_export(queryset=Applicant.objects.all(), fmt="xlsx")
    table = read_table(io.BytesIO(data), filename="x.xlsx", expected_header=LEDGER_HEADER)
    exported = table.rows[0][1]
    assert (
        exported["上级党委同意日期"] == dt.datetime(2026, 6, 1)
        or str(exported["上级党委同意日期"])[:10] == "2026-06-01"
    )
    from applicants.ledger import ledger_import

    result = ledger_import(table=table, actor=None, today=D(2026, 11, 22))
    assert result.rows[0].ok and result.rows[0].action == "无变化", result.rows[0].errors
