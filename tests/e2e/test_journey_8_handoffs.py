"""Journey 8: hand-offs are told. The branch submits a candidate to this year's ledger and finds the
initial review on its home page; it passes it. The committee sees the hand-off in 消息, follows it to
the entry and passes it. The department finds it first in its queue (its own 终审 above the
committees' work) and returns it. The branch sees the return on its home page.

Prepared through services: the person up to step 8 and the negative-list comparison (the branch's
work before the ledger), the two department opinions the committee's pass needs (journey 3 drives
those in the browser)."""

import datetime as dt

from playwright.sync_api import expect

from .conftest import login, logout, nav, screenshot
from .prep import create_person, days_ago, today, unique_name, user


def decide(page, entry_pk: int, verdict: str, reason: str) -> None:
    form = page.locator(f"form[action$='/entries/{entry_pk}/decide/']")
    form.get_by_label(verdict, exact=True).check()
    form.locator("[name=reason]").fill(reason)
    form.get_by_role("button", name="提交决定").click()


def test_branch_committee_department_and_back_are_told(watched_page, server, db_access):
    from jobs.models import Notification
    from reviews.models import EntryStatus, LedgerEntry, ReviewDepartment, Tier
    from reviews.services import negative_list_check, opinion_record

    page = watched_page
    name = unique_name("旅程八")
    a = create_person(
        name=name,
        dates={
            1: days_ago(660),
            2: days_ago(650),
            3: days_ago(600),
            4: days_ago(595),
            5: days_ago(590),
            6: days_ago(200),
            7: dt.date(2026, 5, 8),  # before the 2026 revision: step 8 is the filing after the listing
            8: days_ago(38),
        },
    )
    negative_list_check(applicant=a, hits=[], checked_on=days_ago(36), actor=user("zhibu"))

    # --- the branch submits, finds its own 初审 on the home page, and passes it ----------------------------
    login(page, server, "zhibu")
    page.goto(f"{server}/reviews/ledger/submit/")
    page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="报送所选人员").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已报送 1 人列入{today().year}年度预判分析台账：{name}")
    entry = LedgerEntry.objects.get(applicant=a, year=today().year)
    nav(page, "首页")
    work = page.locator("#branch-review-work")
    row = work.locator("li[data-kind=pending]", has_text=name)
    expect(row).to_contain_text("待支部初审")
    row.get_by_role("link", name="去初审").click()
    expect(page.locator("h1 + span .badge")).to_have_text("待支部初审")
    decide(page, entry.pk, "通过", "生活作风正派，工作积极，现实表现好")
    expect(page.locator(".alert-success")).to_contain_text("已记录支部初审：通过")
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # The committee's material for its pass (journey 3 records it in the browser).
    for department in ("纪委监委", "公安局"):
        opinion_record(
            entry=entry,
            department=ReviewDepartment.objects.get(name=department),
            verdict="agree",
            opinion="经查，无违纪违法记录",
            given_on=days_ago(1),
            actor=user("dangwei"),
        )

    # --- the committee: the hand-off is in 消息, unread, and leads to the entry ------------------------------
    login(page, server, "dangwei")
    inbox = page.locator("#mainnav .nav-link", has_text="消息")
    expect(inbox.locator(".badge")).to_be_visible()
    inbox.click()
    page.locator("input[name=q]").fill(name)
    page.get_by_role("button", name="筛选").click()
    note = page.locator(".list-group-item", has_text=f"【待党委复审】{name}")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("未读")
    note.click()
    expect(page.locator(".card-body")).to_contain_text("支部初审")
    page.get_by_role("link", name="前往处理").click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("h1 + span .badge")).to_have_text("待党委复审")
    decide(page, entry.pk, "通过", "经征求纪委监委、公安局意见，无不良记录，同意")
    expect(page.locator(".alert-success")).to_contain_text("已记录党委复审：通过")
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # --- the department: its own 终审 comes first in its queue; it returns the entry -------------------------
    login(page, server, "zuzhibu")
    assert Notification.objects.filter(user=user("zuzhibu"), title__contains=f"【待组织部终审】{name}").count() == 1
    nav(page, "预审审批", "审批队列")
    first = page.locator("section.queue-section").first
    expect(first.locator("h2")).to_contain_text("本级待办（县级党委组织部门）")
    expect(first.locator("#tier-3 tr", has_text=name)).to_have_count(1)
    others = page.locator("section.queue-section").nth(1)
    expect(others.locator("h2")).to_contain_text("上级党委待办（可代为办理）")
    first.locator("#tier-3 tr", has_text=name).get_by_role("link", name="审查").click()
    expect(page.locator("h1 + span .badge")).to_have_text("待组织部终审")
    decide(page, entry.pk, "退回补充材料", "请补充近三年的思想汇报")
    expect(page.locator(".alert-success")).to_contain_text("已记录组织部终审：退回补充材料")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW and entry.tier == Tier.COMMITTEE
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # --- the branch sees the return on its home page, and in 消息 --------------------------------------------
    login(page, server, "zhibu")
    back = page.locator("#branch-review-work li[data-kind=sent-back]", has_text=name)
    expect(back).to_contain_text("组织部终审退回补充材料")
    expect(back).to_contain_text("现待党委复审")
    assert Notification.objects.filter(
        user=user("zhibu"), title=f"【组织部终审退回】{name}：{today().year}年度预判分析"
    ).exists()
    assert Notification.objects.filter(user=user("dangwei"), title__contains=f"【组织部终审退回】{name}").exists()
    # the branch secretary under another committee hears of none of it
    assert not Notification.objects.filter(user=user("zhibu2"), title__contains=name).exists()
    screenshot(page, "journey8-branch-home-after-return")
    back.get_by_role("link", name="查看意见").click()
    expect(page.locator("body")).to_contain_text("请补充近三年的思想汇报")
