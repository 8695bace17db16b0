"""Journey 5: a branch secretary uploads an .xlsx 台账 with good and bad rows; the preview names every
bad row with its reasons in Chinese and writes nothing; confirming imports exactly the good rows."""

import datetime as dt
import re

from openpyxl import Workbook
from playwright.sync_api import expect

from .conftest import login, nav, screenshot
from .prep import BRANCH_CODE, corrupt_check_digit, days_ago, fresh_id_number, today, unique_name

CJK = re.compile(r"[\u4e00-\u9fff]")


def ledger_row(*, name, birth, gender="男", id_number, steps: dict, org=BRANCH_CODE, education="大学本科") -> dict:
    from applicants.ledger import STEP_COLUMNS

    row = {
        "姓名": name,
        "性别": gender,
        "民族": "汉族",
        "出生日期": birth,
        "公民身份号码": id_number,
        "学历": education,
        "职业": "农牧渔民",
        "是否生产工作一线": "是",
        "户籍所在地": "陕西省韩城市",
        "党组织编码": org,
    }
    row.update({STEP_COLUMNS[n]: day for n, day in steps.items()})
    return row


def write_xlsx(path, rows: list[dict]):
    from applicants.ledger import LEDGER_HEADER

    wb = Workbook()
    ws = wb.active
    ws.title = "发展党员台账"
    ws.append(LEDGER_HEADER)
    for r in rows:
        ws.append([r.get(h) for h in LEDGER_HEADER])
    wb.save(path)
    return path


def test_ledger_upload_previews_errors_and_imports_valid_rows(watched_page, server, db_access, tmp_path):
    from applicants.models import Applicant

    page = watched_page
    taken: set[str] = set()

    def person(prefix, birth=dt.date(1994, 6, 1), gender="男"):
        return unique_name(prefix), birth, fresh_id_number(birth, gender, taken)

    minor_birth = dt.date(today().year - 17, 1, 1)  # 16 or 17 on an application a few days ago
    good = {  # file row number → (name, birth, id, steps reached, expected current step)
        2: (*person("导入甲"), {1: days_ago(200), 2: days_ago(190), 3: days_ago(100)}, 3),
        4: (*person("导入乙"), {1: days_ago(10)}, 1),
        8: (*person("导入丙"), {1: days_ago(60), 2: days_ago(50)}, 2),
    }
    bad_id = person("坏号码")
    r6 = person("未满一年")
    other_branch = person("外支部")
    minor = person("未成年", birth=minor_birth)
    bad_edu = person("学历错")
    bad = {  # file row number → (name, id, fragments the reason must contain)
        3: (bad_id[0], corrupt_check_digit(bad_id[2]), ["公民身份号码", "校验码错误"]),
        5: (r6[0], r6[2], ["R6", "确定发展对象日期", "方可确定为发展对象"]),
        6: (other_branch[0], other_branch[2], ["党组织编码", "不在您的管辖范围内"]),
        7: (minor[0], minor[2], ["R1", "申请入党日期", "年满18周岁"]),
        9: (bad_edu[0], bad_edu[2], ["学历", "应为"]),
    }
    rows = {
        2: ledger_row(name=good[2][0], birth=good[2][1], id_number=good[2][2], steps=good[2][3]),
        3: ledger_row(name=bad[3][0], birth=bad_id[1], id_number=bad[3][1], steps={1: days_ago(30)}),
        4: ledger_row(name=good[4][0], birth=good[4][1], id_number=good[4][2], steps=good[4][3]),
        5: ledger_row(
            name=r6[0],
            birth=r6[1],
            id_number=r6[2],
            steps={1: days_ago(400), 2: days_ago(390), 3: days_ago(300), 7: days_ago(100)},
        ),
        6: ledger_row(
            name=other_branch[0],
            birth=other_branch[1],
            id_number=other_branch[2],
            org="HC0201",
            steps={1: days_ago(30)},
        ),
        7: ledger_row(name=minor[0], birth=minor_birth, id_number=minor[2], steps={1: days_ago(5)}),
        8: ledger_row(name=good[8][0], birth=good[8][1], id_number=good[8][2], steps=good[8][3]),
        9: ledger_row(
            name=bad_edu[0], birth=bad_edu[1], id_number=bad_edu[2], education="博士后", steps={1: days_ago(30)}
        ),
    }
    path = write_xlsx(tmp_path / "东王村党支部台账.xlsx", [rows[n] for n in sorted(rows)])
    all_ids = [g[2] for g in good.values()] + [b[1] for b in bad.values()]

    login(page, server, "zhibu")
    nav(page, "发展纪实", "台账导入")
    expect(page.locator("h1")).to_contain_text("发展党员台账导入")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并校验").click()

    # The preview: every row judged, the bad ones with row number and Chinese reasons; nothing written.
    result = page.locator(".card", has=page.locator(".card-header", has_text="校验结果"))
    expect(result.locator(".card-header")).to_contain_text("共 8 行")
    expect(result.locator(".card-header")).to_contain_text("有效 3")
    expect(result.locator(".card-header")).to_contain_text("有错误 5")

    def table_row(n: int):
        return result.locator("tbody tr", has=page.locator("td:first-child", has_text=re.compile(rf"^{n}$")))

    for n, (name, _, fragments) in bad.items():
        tr = table_row(n)
        expect(tr).to_have_count(1)
        expect(tr).to_have_class(re.compile("table-danger"))
        expect(tr).to_contain_text(name)
        expect(tr).to_contain_text("不导入")
        reasons = tr.locator("td").last
        for fragment in fragments:
            expect(reasons).to_contain_text(fragment)
        assert CJK.search(reasons.inner_text())
    for n, (name, *_rest, step) in good.items():
        tr = table_row(n)
        expect(tr).not_to_have_class(re.compile("table-danger"))
        expect(tr).to_contain_text(name)
        expect(tr).to_contain_text("新建")
        expect(tr).to_contain_text(f"第 {step} 步")
    assert not Applicant.objects.filter(id_number__in=all_ids).exists()

    # Confirm: exactly the valid rows are imported.
    page.get_by_role("button", name="确认导入 3 行有效数据").click()
    expect(page.locator(".alert-warning")).to_contain_text("导入完成：新建 3 人")
    expect(page.locator(".alert-warning")).to_contain_text("5 行有错误，未写入")
    expect(page.locator(".card-header", has_text="导入结果")).to_be_visible()

    imported = Applicant.objects.filter(id_number__in=all_ids)
    assert sorted(imported.values_list("id_number", flat=True)) == sorted(g[2] for g in good.values())
    for name, _birth, id_number, steps, step in good.values():
        a = imported.get(id_number=id_number)
        assert (a.name, a.branch.code, a.current_step, a.created_by.username) == (name, BRANCH_CODE, step, "zhibu")
        assert a.applied_on == steps[1]
    screenshot(page, "journey5-ledger-imported")
