"""Journey 9: 档案抽查. The inspector (ducha) draws a sample of this year's admitted members in 城关镇
(all of them: the size is set above the population, so the prepared person is in it), records a
finding on the person's archive next to its checklist; the branch secretary (zhibu) sees it on the
home page and on the person's archive page and reports the fix; the inspector sends it back once,
the branch fixes it again and the inspector closes it. The report counts it.

Prepared directly (a precondition, not under test): a new person in zhibu's branch with this year's
上级党委审批 date — the draw reads only that date (the population "当年接收的预备党员")."""

import datetime as dt

from playwright.sync_api import expect

from .conftest import login, logout, nav, screenshot
from .prep import create_person, days_ago, today, unique_name, user


def test_inspector_draws_records_branch_fixes_inspector_closes(watched_page, server, db_access):
    from applicants.models import Applicant
    from inspections.models import FindingAction, FindingItem, FindingStatus, SpotCheck

    page = watched_page
    name = unique_name("旅程九")
    a = create_person(name=name, dates={1: days_ago(900), 2: days_ago(890)})
    Applicant.objects.filter(pk=a.pk).update(admitted_on=dt.date(today().year, 3, 1))
    township = a.branch.upper_committee()

    # --- the inspector draws in the township ---------------------------------------------------------------
    login(page, server, "ducha")
    nav(page, "档案抽查", "抽查记录")
    page.get_by_role("link", name="随机抽取档案").click()
    page.get_by_label(township.name, exact=True).check()
    page.get_by_label("抽查范围").select_option(label="当年接收的预备党员（上级党委审批）")
    page.get_by_label("每个乡镇抽查数量").fill("0")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator("#draw-form")).to_contain_text("抽查数量必须是正整数")
    page.get_by_label(township.name, exact=True).check()
    page.get_by_label("每个乡镇抽查数量").fill("500")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator(".alert-success")).to_contain_text("已在 1 个乡镇抽取档案")
    expect(page.locator("#spot-rederive")).to_contain_text("结果一致")
    check = SpotCheck.objects.filter(drawn_by=user("ducha")).latest("drawn_at")
    assert a.pk in check.drawn_ids and check.rederive() == check.drawn_ids

    # --- the inspector records a finding from the archive checklist ------------------------------------------
    page.get_by_role("link", name=name).click()
    expect(page.locator("#archive-checklist")).to_contain_text("谈话记录")
    page.locator("#archive-checklist tbody tr").nth(1).get_by_role("link", name="记问题").first.click()
    form = page.locator("#finding-form")
    expect(form.get_by_label("材料", exact=True)).to_have_value("谈话记录")
    form.get_by_label("问题类别").select_option(label="材料缺失")
    form.get_by_label("问题描述").fill("谈话记录缺失，须补充谈话人签字的记录")
    form.get_by_label("整改期限").fill((today() + dt.timedelta(days=15)).isoformat())
    form.get_by_role("button", name="记录问题").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录问题")
    finding = FindingItem.objects.get(applicant=a)
    screenshot(page, "journey9_inspector_finding")
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # --- the branch sees it at home and on the archive page, and reports the fix --------------------------------
    login(page, server, "zhibu")
    expect(page.locator(".card", has_text="档案抽查整改")).to_be_visible()
    page.goto(f"{server}/applicants/{a.pk}/archive/")
    panel = page.locator("#inspection-findings")
    expect(panel).to_contain_text("谈话记录缺失")
    panel.locator("summary", has_text="登记整改").click()
    panel.get_by_placeholder("整改说明（必填）").fill("已补充谈话记录并由谈话人签字")
    panel.get_by_role("button", name="提交整改").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记整改")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED
    logout(page)
    page.wait_for_url(f"{server}/login/")

    # --- the inspector sends it back once, then closes it ---------------------------------------------------
    login(page, server, "ducha")
    nav(page, "档案抽查", "整改事项")
    page.get_by_role("link", name="已整改待核验").click()
    card = page.locator(f"#finding-{finding.pk}")
    card.get_by_placeholder("核验意见").fill("签字页日期不清，请重新扫描")
    card.get_by_role("button", name="退回重改").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回支部重改")
    logout(page)
    page.wait_for_url(f"{server}/login/")

    login(page, server, "zhibu")
    nav(page, "整改事项")  # the branch's only entry in the menu: a plain link
    card = page.locator(f"#finding-{finding.pk}")
    card.locator("summary", has_text="登记整改").click()
    card.get_by_placeholder("整改说明（必填）").fill("已重新扫描签字页")
    card.get_by_role("button", name="提交整改").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记整改")
    logout(page)
    page.wait_for_url(f"{server}/login/")

    login(page, server, "ducha")
    nav(page, "档案抽查", "整改事项")
    page.get_by_role("link", name="已整改待核验").click()
    card = page.locator(f"#finding-{finding.pk}")
    card.get_by_placeholder("核验意见").fill("核验无误")
    card.get_by_role("button", name="核验销号").click()
    expect(page.locator(".alert-success")).to_contain_text("已核验销号")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert list(finding.events.values_list("action", "actor__username")) == [
        (FindingAction.CREATE, "ducha"),
        (FindingAction.FIX, "zhibu"),
        (FindingAction.REOPEN, "ducha"),
        (FindingAction.FIX, "zhibu"),
        (FindingAction.CLOSE, "ducha"),
    ]

    # --- the report counts it -------------------------------------------------------------------------------
    nav(page, "档案抽查", "抽查记录")
    page.get_by_role("link", name="分乡镇报表").click()
    row = page.locator("#inspection-report tbody tr", has_text=township.name)
    expect(row).to_be_visible()
    expect(page.locator("#chart-findings")).to_be_visible()
    screenshot(page, "journey9_report")
