"""Journey 3: the committee files step 8 and passes the tier-2 re-review with the 纪检/公安 opinions;
the department sees the quota effect and passes the final tier; the branch can then hold the
step-15 meeting (R16 satisfied).

Prepared through services (the branch's own work, not under test here): the person up to step 7,
on this year's ledger with the branch's initial review passed and the negative list compared; after
the final review, steps 9–14."""

import datetime as dt
import re

from playwright.sync_api import expect

from .conftest import login, logout, nav, screenshot
from .prep import create_person, days_ago, record_steps, today, unique_name, user

COUNT = re.compile(r"^(\d+)（")


def open_from_queue(page, name: str) -> None:
    nav(page, "预审审批", "审批队列")
    page.get_by_placeholder("姓名或党支部").fill(name)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("h1")).to_contain_text("审批队列")


def test_committee_and_department_reviews_then_branch_meeting(watched_page, server, db_access):
    from applicants.models import Applicant
    from reviews.models import EntryStatus, LedgerEntry, OpinionPurpose, Tier, Verdict
    from reviews.services import ledger_submit, negative_list_check, review_decide

    page = watched_page
    name = unique_name("旅程三")
    # listed just before the 2026 revision (2026-05-11), so step 8 is still the filing after the listing
    candidate_on, filed_on = dt.date(2026, 5, 8), days_ago(38)
    a = create_person(
        name=name,
        dates={
            1: days_ago(660),
            2: days_ago(650),
            3: days_ago(600),
            4: days_ago(595),
            5: days_ago(590),
            6: days_ago(200),
            7: candidate_on,
        },
    )
    zhibu = user("zhibu")
    entry = ledger_submit(applicant=a, year=today().year, actor=zhibu, remarks="本年度拟接收")
    negative_list_check(applicant=a, hits=[], checked_on=days_ago(36), actor=zhibu)
    review_decide(
        entry=entry,
        tier=Tier.BRANCH,
        verdict=Verdict.PASS,
        actor=zhibu,
        version=entry.version,
        reason="生活作风正派，工作积极，现实表现好",
        decided_on=days_ago(36),
    )

    # --- the committee: step 8 (备案) from the approval queue --------------------------------------------
    login(page, server, "dangwei")
    open_from_queue(page, name)
    step8 = page.locator("#step-8")
    step8.get_by_label(f"选择{name}").check()
    step8.locator("input[name=date]").fill(filed_on.isoformat())
    step8.locator("input[name=notes]").fill("发展对象备案")
    step8.get_by_role("button", name="批量备案所选人员").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"第8步 报上级党委备案：已为 1 人登记（{filed_on:%Y-%m-%d}）：{name}"
    )
    a.refresh_from_db()
    assert a.current_step == 8 and a.last_step_on == filed_on

    # --- the committee: tier 2 with the opinions of 纪委监委 and 公安局 ---------------------------------------
    open_from_queue(page, name)
    page.locator("#tier-2 tr", has_text=name).get_by_role("link", name="审查").click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("h1 + span .badge")).to_have_text("待党委复审")
    opinion = page.locator(f"form[action$='/entries/{entry.pk}/opinion/']")
    decision = page.locator(f"form[action$='/entries/{entry.pk}/decide/']")
    for department, text in (("纪委监委", "经查，无违纪违法记录"), ("公安局", "经查，无违法犯罪记录")):
        # (this form's labels are not tied to their inputs: fields are found by name)
        expect(opinion.locator("[name=given_on]")).to_have_value(today().isoformat())
        opinion.locator("[name=department]").select_option(label=department)
        opinion.locator("[name=verdict]").select_option(label="同意/无异议")
        opinion.locator("[name=opinion]").fill(text)
        opinion.get_by_role("button", name="记录部门意见").click()
        expect(page.locator(".alert-success")).to_contain_text(f"已记录{department}意见")
    opinions = page.locator("table:has(th:text-is('部门'))")
    expect(opinions.locator("tr", has_text="纪委监委")).to_contain_text("同意/无异议")
    expect(opinions.locator("tr", has_text="公安局")).to_contain_text("同意/无异议")
    expect(decision.locator("[name=decided_on]")).to_have_value(today().isoformat())
    decision.get_by_label("通过", exact=True).check()
    decision.locator("[name=reason]").fill("经征求纪委监委、公安局意见，无不良记录，同意列为拟接收预备党员")
    decision.get_by_role("button", name="提交决定").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录党委复审：通过")
    expect(page.locator("h1 + span .badge")).to_have_text("待组织部终审")
    assert entry.opinions.filter(purpose=OpinionPurpose.COMMITTEE_REVIEW).count() == 2
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # --- the department: quota effect, then the final tier ---------------------------------------------
    login(page, server, "zuzhibu")
    open_from_queue(page, name)
    page.locator("#tier-3 tr", has_text=name).get_by_role("link", name="审查").click()
    expect(page.locator("h1 + span .badge")).to_have_text("待组织部终审")
    effect = page.locator(".card", has=page.locator(".card-header", has_text="终审比例影响"))
    expect(effect).to_contain_text(f"再加上{name}")
    sector = effect.locator("tr.table-active", has_text=a.branch.sector)  # 农村（社区）: the row this person changes
    expect(sector).to_have_count(1)
    before, after = (int(COUNT.match(t.strip()).group(1)) for t in sector.locator("td.text-end").all_inner_texts())
    assert after == before + 1, (before, after)
    decision = page.locator(f"form[action$='/entries/{entry.pk}/decide/']")
    decision.get_by_label("通过", exact=True).check()
    decision.locator("[name=reason]").fill("符合年度领域、年龄、学历比例要求，同意")
    decision.get_by_role("button", name="提交决定").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录组织部终审：通过")
    expect(page.locator("h1 + span .badge")).to_have_text("三级审查通过")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PASSED
    assert list(entry.decisions.order_by("tier").values_list("tier", "reviewer__username")) == [
        (1, "zhibu"),
        (2, "dangwei"),
        (3, "zuzhibu"),
    ]
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # Steps 9–14 (introducers … 入党志愿书), prepared through the services.
    record_steps(a, range(9, 15), days_ago(10))

    # --- the branch: step 15, the meeting that receives the probationary member ---------------------------
    login(page, server, "zhibu")
    nav(page, "发展纪实", "发展对象")
    page.get_by_placeholder("姓名或公民身份号码").fill(name)
    page.get_by_placeholder("姓名或公民身份号码").press("Enter")
    page.get_by_role("link", name=name).click()
    card = page.locator("#next-step")
    expect(card).to_contain_text("第15步 支部大会讨论")
    expect(card.locator(".alert-warning")).to_have_count(0)  # nothing blocks it: R16 is satisfied
    page.fill("#id_step-date", today().isoformat())
    page.get_by_label("应到会有表决权的正式党员（人）").fill("12")
    page.get_by_label("实到会有表决权的正式党员（人）").fill("11")
    page.get_by_label("赞成（票）").fill("10")
    page.get_by_label("反对（票）").fill("0")
    page.get_by_label("弃权（票）").fill("1")
    card.get_by_role("button", name="登记完成第15步").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成第15步 支部大会讨论")
    expect(page.locator("#step-15")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator("#step-15")).to_contain_text(today().isoformat())
    expect(page.locator("#reviews-panel")).to_contain_text("三级审查通过")

    a = Applicant.objects.get(pk=a.pk)
    assert a.current_step == 15 and a.branch_meeting_on == today()
    record = a.steps.get(step=15)
    assert (record.actor.username, record.data["expected_voters"], record.data["yes_votes"]) == ("zhibu", 12, 10)
    assert LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.PASSED
    screenshot(page, "journey3-branch-meeting-after-three-tiers")
