"""import_members: the member register (党员名册) at go-live — the per-row contract of the ledger
(row numbers, Chinese reasons naming the column; a bad row writes nothing, the valid rows are
written, nothing at all with --dry-run), re-import by 公民身份号码, the branch in the importer's
subtree, 转正日期 and the penalties with their 影响期."""

import datetime as dt
import io
import json
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from recruitment.idcard import make_id_number
from recruitment.members import MEMBER_IMPORT_HEADER, members_import
from recruitment.models import MemberPenalty, MemberStatus, PartyMember
from recruitment.tabular import read_table, write_xlsx

D = dt.date
HEADER = ",".join(MEMBER_IMPORT_HEADER)
BASIC = ",".join(MEMBER_IMPORT_HEADER[:8])  # without the three optional 处分 columns
_rng = random.Random(5)


def ident(birth=dt.date(1975, 4, 3), gender="男"):
    return make_id_number(birth, gender, _rng)


def row(name="张党员", gender="男", birth=dt.date(1975, 4, 3), code="A1", status="正式党员",
        joined=dt.date(2001, 7, 1), full=dt.date(2002, 7, 1), kind="", decided=None, until=None, id_number=None, penalty_columns=True):  # fmt: skip
    cells = [
        name,
        gender,
        id_number or ident(birth, gender),
        birth.isoformat(),
        code,
        status,
        joined.isoformat() if joined else "",
        full.isoformat() if full else "",
    ]
    if penalty_columns:
        cells += [kind, decided.isoformat() if decided else "", until.isoformat() if until else ""]
    return ",".join(cells)


def csv_file(tmp_path, *rows, header=HEADER, bom=False, name="members.csv"):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join([header, *rows, ""]).encode("utf-8"))
    return path


def run_json(path, *args):
    out = StringIO()
    call_command("import_members", str(path), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def errors_of(data, rownum):
    return [(e["field"], e["message"]) for r in data["rows"] if r["row"] == rownum for e in r["errors"]]


# --- the contract -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True])
def test_a_file_without_the_penalty_columns_imports_and_the_json_is_the_contract(world, tmp_path, bom):
    path = csv_file(
        tmp_path,
        row(name="赵一", penalty_columns=False),
        row(
            name="钱二", status="预备党员", joined=D(2026, 7, 31), full=None, birth=D(1998, 2, 2), penalty_columns=False
        ),
        header=BASIC,
        bom=bom,
    )
    data = run_json(path)
    assert set(data) == {"imported", "rows"} and data["imported"] == 2
    assert [set(r) for r in data["rows"]] == [{"row", "ok", "errors", "warnings"}] * 2
    assert [(r["row"], r["ok"]) for r in data["rows"]] == [(2, True), (3, True)]
    new = PartyMember.objects.get(name="钱二")
    assert (new.branch, new.status, new.joined_on, new.full_member_since) == (
        world.a1,
        MemberStatus.PROBATIONARY,
        D(2026, 7, 31),
        None,
    )
    assert new.history.first().history_change_reason == "党员名册导入（members.csv）"


def test_xlsx_with_date_cells_and_a_penalty(world, tmp_path):
    birth = D(1980, 1, 9)
    path = tmp_path / "m.xlsx"
    path.write_bytes(
        write_xlsx(
            MEMBER_IMPORT_HEADER,
            [
                [
                    "孙三",
                    "女",
                    ident(birth, "女"),
                    dt.datetime(1980, 1, 9),
                    "A2",
                    "正式党员",
                    dt.datetime(2004, 6, 1),
                    dt.datetime(2005, 6, 1),
                    "警告",
                    dt.datetime(2026, 3, 1),
                    dt.datetime(2026, 9, 1),
                ]
            ],
        )  # fmt: skip
    )
    data = run_json(path)
    assert data["imported"] == 1 and data["rows"][0]["ok"]
    m = PartyMember.objects.get(name="孙三")
    assert (m.gender, m.branch, m.joined_on) == ("女", world.a2, D(2004, 6, 1))
    assert list(m.penalties.values_list("kind", "decided_on", "influence_until")) == [
        ("警告", D(2026, 3, 1), D(2026, 9, 1))
    ]
    assert not m.under_probation_watch


def test_bad_rows_are_reported_by_row_and_column_and_write_nothing_while_good_rows_are_written(world, tmp_path):
    good_id = ident(D(1970, 1, 1))
    bad_check = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    rows = [
        row(name="好人", id_number=good_id, birth=D(1970, 1, 1)),  # 2
        row(name="校验码", id_number=bad_check, birth=D(1970, 1, 1)),  # 3
        row(name="生日", id_number=ident(D(1970, 1, 1)), birth=D(1970, 1, 2)),  # 4
        row(name="性别", id_number=ident(D(1970, 1, 1), "女"), birth=D(1970, 1, 1), gender="男"),  # 5
        row(name="没有支部", code="NOPE"),  # 6
        row(name="党委", code="A"),  # 7
        row(name="类别", status="党员"),  # 8
        row(name="预备转正", status="预备党员", full=D(2002, 7, 1)),  # 9
        row(name="转正早", joined=D(2001, 7, 1), full=D(2001, 6, 30)),  # 10
        row(name="未来", joined=D(2026, 11, 23), full=None),  # 11
        row(name="空入党", joined=None),  # 12
        row(name="未满十八", birth=D(1990, 5, 5), joined=D(2008, 5, 4), full=D(2009, 5, 4)),  # 13
        row(name="处分类别", kind="开除", decided=D(2020, 1, 1)),  # 14
        row(name="无处分日期", kind="警告"),  # 15
        row(name="影响期早", kind="严重警告", decided=D(2020, 1, 1), until=D(2019, 12, 31)),  # 16
        row(name="无类别", decided=D(2020, 1, 1)),  # 17
        row(name="重复", id_number=good_id, birth=D(1970, 1, 1)),  # 18
        row(name="处分早于入党", joined=D(2001, 7, 1), kind="警告", decided=D(2001, 6, 30)),  # 19
    ]
    data = run_json(csv_file(tmp_path, *rows))
    assert data["imported"] == 1
    assert [r["row"] for r in data["rows"] if r["ok"]] == [2]
    assert PartyMember.objects.filter(name="好人").exists()
    assert not PartyMember.objects.exclude(name="好人").filter(name__in=[r.split(",")[0] for r in rows]).exists()
    expected = {
        3: ("公民身份号码", "校验码错误"),
        4: ("公民身份号码", "出生日期 1970-01-02 与公民身份号码中的 1970-01-01 不一致"),
        5: ("公民身份号码", "性别“男”与公民身份号码（第 17 位表示女性）不一致"),
        6: ("党组织编码", "找不到编码为 NOPE 的党组织"),
        7: ("党组织编码", "甲镇党委（A）是党委，党员须编入党支部"),
        8: ("人员类别", "应为 正式党员/预备党员 之一：党员"),
        9: ("转正日期", "预备党员尚未转正，不应填写转正日期"),
        10: ("转正日期", "不能早于入党日期 2001-07-01：2001-06-30"),
        11: ("入党日期", "不能晚于今天（2026-11-22）：2026-11-23"),
        12: ("入党日期", "不能为空"),
        13: ("入党日期", "入党时须年满十八岁"),
        14: ("处分类别", "应为 警告/严重警告/撤销党内职务/留党察看 之一：开除"),
        15: ("处分日期", "填写了处分类别“警告”，须填写处分日期"),
        16: ("处分影响期至", "不能早于处分日期 2020-01-01：2019-12-31"),
        17: ("处分日期", "未填写处分类别，不应填写处分日期"),
        18: ("公民身份号码", "与第 2 行是同一人"),
        19: ("处分日期", "不能早于入党日期 2001-07-01：2001-06-30"),
    }
    for rownum, (column, text) in expected.items():
        got = errors_of(data, rownum)
        assert any(f == column and text in m for f, m in got), (rownum, got)
    assert all(e["rule"] == "INPUT" for r in data["rows"] for e in r["errors"])


def test_dry_run_judges_everything_and_writes_nothing(world, tmp_path):
    before = PartyMember.objects.count()
    data = run_json(csv_file(tmp_path, row(name="只校验")), "--dry-run")
    assert data["imported"] == 0 and data["rows"][0]["ok"]
    assert PartyMember.objects.count() == before


def test_text_output_names_rows_columns_and_the_summary(world, tmp_path):
    out = StringIO()
    call_command("import_members", str(csv_file(tmp_path, row(name="好"), row(name="坏", code="NOPE"))), stdout=out)
    text = out.getvalue()
    assert "第 3 行 坏【党组织编码】找不到编码为 NOPE 的党组织" in text
    assert "导入完成：共 2 行，有效 1 行（新建 1，更新 0，无变化 0；处分记录 0 条），有错误 1 行未写入" in text


def test_unreadable_files_wrong_headers_and_unfit_users_are_command_errors(world, tmp_path):
    with pytest.raises(CommandError, match="表头缺少列：转正日期"):
        call_command(
            "import_members",
            str(csv_file(tmp_path, header="姓名,性别,公民身份号码,出生日期,党组织编码,人员类别,入党日期")),
        )
    with pytest.raises(CommandError, match="无权导入党员名册"):
        call_command("import_members", str(csv_file(tmp_path, row())), "--user", "sec_a1")
    with pytest.raises(CommandError, match="找不到用户"):
        call_command("import_members", str(csv_file(tmp_path, row())), "--user", "nobody")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_members", str(tmp_path / "missing.csv"))


# --- re-import by ID number -------------------------------------------------------------------------


def test_reimport_updates_the_same_entry_by_id_number_never_a_second_one(world, tmp_path):
    number = ident(D(1999, 9, 9), "女")
    first = row(name="周四", gender="女", birth=D(1999, 9, 9), id_number=number, status="预备党员",
                joined=D(2025, 10, 1), full=None)  # fmt: skip
    run_json(csv_file(tmp_path, first))
    again = run_json(csv_file(tmp_path, first))
    assert again["imported"] == 1 and PartyMember.objects.filter(id_number=number).count() == 1
    converted = row(name="周四四", gender="女", birth=D(1999, 9, 9), id_number=number, status="正式党员",
                    joined=D(2025, 10, 1), full=D(2026, 10, 1), code="A2")  # fmt: skip
    data = run_json(csv_file(tmp_path, converted))
    m = PartyMember.objects.get(id_number=number)
    assert (m.name, m.status, m.full_member_since, m.branch) == ("周四四", "正式党员", D(2026, 10, 1), world.a2)
    assert any(
        "所在党支部由 甲村党支部（A1）改为 甲公司党支部（A2）" in w["message"] for w in data["rows"][0]["warnings"]
    )
    assert m.history.count() == 2  # created, then updated once (the unchanged re-import wrote nothing)


def test_preview_says_new_updated_or_unchanged(world, tmp_path):
    existing = world.members.full1
    same = row(name=existing.name, id_number=existing.id_number, birth=D(1980, 5, 5), joined=D(2005, 7, 1),
               full=D(2006, 7, 1))  # fmt: skip
    renamed = row(name="新名字", id_number=world.members.full2.id_number, birth=D(1980, 5, 5), joined=D(2005, 7, 1),
                  full=D(2006, 7, 1))  # fmt: skip
    table = read_table(csv_file(tmp_path, same, renamed, row(name="新人")))
    result = members_import(table=table, actor=world.users.department, dry_run=True)
    assert [r.action for r in result.rows] == ["无变化", "更新", "新建"]
    assert (result.created, result.updated, result.unchanged, result.imported) == (1, 1, 1, 0)


def test_a_member_registered_outside_the_importers_subtree_is_refused_without_saying_where(world, tmp_path):
    other = world.members.other_branch  # in B1, outside 甲镇党委
    line = row(name=other.name, id_number=other.id_number, birth=D(1980, 5, 5), code="A1")
    data = run_json(csv_file(tmp_path, line), "--user", "comm_a")
    [(column, message)] = errors_of(data, 2)
    assert column == "公民身份号码" and "管辖范围以外" in message
    assert "B1" not in message and "乙" not in message
    assert PartyMember.objects.get(pk=other.pk).branch == world.b1


def test_the_branch_must_be_in_the_importers_subtree(world, tmp_path):
    data = run_json(csv_file(tmp_path, row(code="B1")), "--user", "comm_a")
    assert errors_of(data, 2) == [("党组织编码", "乙公司党支部（B1）不在您的管辖范围内")]
    assert run_json(csv_file(tmp_path, row(code="B1")), "--user", "dept")["imported"] == 1


# --- penalties and the 留党察看 flag -----------------------------------------------------------------


def test_probation_watch_in_force_sets_the_flag_and_an_ended_one_clears_it(world, tmp_path):
    number = ident(D(1970, 3, 3))
    watched = row(name="吴五", birth=D(1970, 3, 3), id_number=number, kind="留党察看", decided=D(2026, 1, 10),
                  until=D(2027, 1, 10))  # fmt: skip
    run_json(csv_file(tmp_path, watched))
    m = PartyMember.objects.get(id_number=number)
    assert m.under_probation_watch and not PartyMember.objects.eligible_introducers().filter(pk=m.pk).exists()
    # the same penalty with its rights restored: updated, not duplicated, and the flag follows
    ended = watched.replace("2027-01-10", "2026-11-21")
    data = run_json(csv_file(tmp_path, ended))
    m.refresh_from_db()
    assert data["rows"][0]["ok"] and not m.under_probation_watch
    assert list(m.penalties.values_list("kind", "influence_until")) == [("留党察看", D(2026, 11, 21))]
    assert PartyMember.objects.eligible_introducers().filter(pk=m.pk).exists()


def test_probation_watch_ending_today_is_still_in_force(world, tmp_path):
    line = row(name="郑六", kind="留党察看", decided=D(2025, 11, 22), until=D(2026, 11, 22))
    run_json(csv_file(tmp_path, line))
    assert PartyMember.objects.get(name="郑六").under_probation_watch


def test_a_penalty_without_an_end_warns_that_it_counts_as_in_force(world, tmp_path):
    data = run_json(csv_file(tmp_path, row(name="王七", kind="留党察看", decided=D(2024, 1, 1))))
    assert data["rows"][0]["ok"]
    assert any(w["field"] == "处分影响期至" for w in data["rows"][0]["warnings"])
    assert PartyMember.objects.get(name="王七").under_probation_watch


def test_reimport_without_penalty_columns_keeps_recorded_penalties_and_the_flag(world, tmp_path):
    number = ident(D(1971, 1, 1))
    run_json(csv_file(tmp_path, row(name="冯八", birth=D(1971, 1, 1), id_number=number, kind="留党察看",
                                    decided=D(2026, 5, 1), until=D(2027, 5, 1))))  # fmt: skip
    run_json(csv_file(tmp_path, row(name="冯八", birth=D(1971, 1, 1), id_number=number, penalty_columns=False),
                      header=BASIC))  # fmt: skip
    m = PartyMember.objects.get(id_number=number)
    assert m.under_probation_watch and m.penalties.count() == 1
    # a second, different penalty is added next to the first
    run_json(csv_file(tmp_path, row(name="冯八", birth=D(1971, 1, 1), id_number=number, kind="警告",
                                    decided=D(2026, 6, 1), until=D(2026, 12, 1))))  # fmt: skip
    assert sorted(MemberPenalty.objects.filter(member=m).values_list("kind", flat=True)) == ["留党察看", "警告"]


def test_warnings_for_data_worth_a_second_look(world, tmp_path):
    data = run_json(
        csv_file(
            tmp_path,
            row(name="无转正", full=None),
            row(name="不满一年", joined=D(2001, 7, 1), full=D(2002, 6, 30)),
            row(name="老预备", status="预备党员", joined=D(2024, 11, 21), full=None),
        )
    )
    assert all(r["ok"] for r in data["rows"])
    fields = [[w["field"] for w in r["warnings"]] for r in data["rows"]]
    assert fields == [["转正日期"], ["转正日期"], ["人员类别"]]


# --- the export re-imports unchanged ----------------------------------------------------------------


def test_the_staff_export_of_the_register_reimports_unchanged(world, client_for, tmp_path):
    MemberPenalty.objects.create(
        member=world.members.watched, kind="留党察看", decided_on=D(2026, 2, 1), influence_until=D(2027, 2, 1)
    )
    response = client_for(world.users.department).get(reverse("recruitment:member_list"), {"export": "xlsx"})
    path = tmp_path / "register.xlsx"
    path.write_bytes(response.content)
    table = read_table(path)
    assert table.header[: len(MEMBER_IMPORT_HEADER)] == MEMBER_IMPORT_HEADER
    result = members_import(table=table, actor=world.users.department, dry_run=True)
    assert [(r.row, r.errors) for r in result.rows if not r.ok] == []
    assert {r.action for r in result.rows} == {"无变化"}
    assert result.unchanged == PartyMember.objects.count()


# --- the browser: upload → preview → confirm ---------------------------------------------------------


def upload(client, text, name="m.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("recruitment:member_import"), {"file": SimpleUploadedFile(name, text.encode())})


def test_preview_writes_nothing_and_confirm_writes_the_valid_rows(world, client_for):
    client = client_for(world.users.committee)
    text = "\n".join([HEADER, row(name="预览好"), row(name="预览坏", code="B1"), ""])
    response = upload(client, text)
    page = response.content.decode()
    assert response.status_code == 200 and "校验结果" in page
    assert "乙公司党支部（B1）不在您的管辖范围内" in page and "确认导入 1 行有效数据" in page
    assert not PartyMember.objects.filter(name="预览好").exists()
    token = response.context["token"]
    done = client.post(reverse("recruitment:member_import_confirm"), {"token": token})
    assert done.status_code == 200 and "导入结果" in done.content.decode()
    assert PartyMember.objects.filter(name="预览好").exists()
    assert not PartyMember.objects.filter(name="预览坏").exists()
    again = client.post(reverse("recruitment:member_import_confirm"), {"token": token}, follow=True)
    assert "上传的文件已失效，请重新上传" in again.content.decode()


def test_confirm_with_a_token_of_another_session_or_a_path_is_refused(world, client_for):
    client = client_for(world.users.department)
    for token in ("not-a-token", "../../etc/passwd", ""):
        response = client.post(reverse("recruitment:member_import_confirm"), {"token": token}, follow=True)
        assert "上传的文件已失效" in response.content.decode()


def test_a_wrong_header_is_a_form_error(world, client_for):
    response = upload(client_for(world.users.department), "姓名,性别\n张三,男\n")
    assert response.status_code == 200 and "表头缺少列" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("secretary", 403), ("inspector", 403), ("committee", 200)])
def test_only_staff_import_members(world, client_for, who, status):
    client = client_for(getattr(world.users, who))
    assert client.get(reverse("recruitment:member_import")).status_code == status
    assert client.post(reverse("recruitment:member_import_confirm"), {"token": "x"}).status_code in (status, 302)


def test_template_has_the_header_and_its_example_rows_judge_cleanly_in_a_branch(world, client_for, tmp_path):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create(username="a1_staff", role="committee", organization=world.a1)
    response = client_for(staff).get(reverse("recruitment:member_import_template"))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    table = read_table(io.BytesIO(response.content), "template.xlsx")
    assert table.header == MEMBER_IMPORT_HEADER
    result = members_import(table=table, actor=staff, dry_run=True)
    assert [r.errors for r in result.rows] == [[], []]


def test_uploads_with_nothing_to_import_and_files_left_behind_are_removed(world, client_for):
    import os
    import time

    from recruitment.member_views import UPLOADS

    client = client_for(world.users.department)
    before = set(UPLOADS.directory().iterdir())
    upload(client, "\n".join([HEADER, row(code="NOPE"), ""]))  # every row bad: nothing waits
    assert set(UPLOADS.directory().iterdir()) == before
    stale = UPLOADS.directory() / "left-behind"
    stale.write_bytes(b"x")
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    response = upload(client, "\n".join([HEADER, row(name="留待确认"), ""]))
    assert not stale.exists()
    waiting = UPLOADS.directory() / response.context["token"]
    assert waiting.is_file()
    client.post(reverse("recruitment:member_import_confirm"), {"token": response.context["token"]})
    assert not waiting.exists()


def test_an_import_marks_the_branches_of_the_members_it_wrote(world, tmp_path):
    """No signals in bulk: the import adds the change marks (recruitment.changes) so the register pages of
    the branch and everything above it are drawn anew."""
    from recruitment import changes

    orgs = (world.root, world.a, world.a1, world.b1)
    before = [changes.mark(changes.org_scope(o.pk)) for o in orgs]
    members_import(table=read_table(csv_file(tmp_path, row(name="新人"))), actor=world.users.department)
    after = [changes.mark(changes.org_scope(o.pk)) for o in orgs]
    assert [x != y for x, y in zip(before, after, strict=True)] == [True, True, True, False]
