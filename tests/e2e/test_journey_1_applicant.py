"""Journey 1: a branch secretary adds an applicant (a mistyped ID number is refused in Chinese),
records steps 1–3 and sees the timeline and the to-do list follow."""

import datetime as dt
import re

from playwright.sync_api import expect

from .conftest import login, nav, screenshot
from .prep import corrupt_check_digit, days_ago, fresh_id_number, unique_name

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_secretary_adds_applicant_and_records_first_steps(watched_page, server, db_access):
    from applicants.models import Applicant

    page = watched_page
    name = unique_name("旅程一")
    birth = dt.date(1997, 8, 15)
    good_id = fresh_id_number(birth, "女")
    bad_id = corrupt_check_digit(good_id)
    applied, talked, activist = days_ago(25), days_ago(20), days_ago(2)

    login(page, server, "zhibu")

    # The to-do list does not know the person yet.
    nav(page, "发展纪实", "待办提醒")
    expect(page.locator("h1")).to_contain_text("待办提醒")
    expect(page.get_by_role("link", name=name)).to_have_count(0)

    # Add the applicant with a wrong check digit.
    nav(page, "发展纪实", "发展对象")
    page.get_by_role("link", name="新增入党申请人").first.click()
    expect(page.locator("h1")).to_have_text("新增入党申请人")
    page.fill("#id_name", name)
    page.fill("#id_id_number", bad_id)
    live = page.locator("#id-check-result")
    expect(live).to_contain_text("校验码错误")  # checked as it is typed (htmx)
    assert CJK.search(live.inner_text())
    page.select_option("#id_education", "大学本科")
    page.select_option("#id_occupation", "农牧渔民")
    page.fill("#id_applied_on", applied.isoformat())
    page.get_by_role("button", name="保存").click()

    # Refused by the server too: the message under the field is in Chinese.
    expect(page.locator("h1")).to_have_text("新增入党申请人")
    error = page.locator("#id_id_number ~ .invalid-feedback, #error_1_id_id_number").first
    expect(error).to_contain_text("公民身份号码")
    assert CJK.search(error.inner_text()), error.inner_text()
    assert not Applicant.objects.filter(name=name).exists()

    # Correct it: the check passes and fills birth date and gender.
    page.fill("#id_id_number", good_id)
    expect(live).to_contain_text("校验通过")
    expect(page.locator("#id_birth_date")).to_have_value(birth.isoformat())
    expect(page.locator("#id_gender")).to_have_value("女")
    expect(page.locator("#id_applied_on")).to_have_value(applied.isoformat())
    # The 户籍所在地党组织 is found by typing (a province has 200,000 organizations): htmx suggestions.
    page.fill("#id_household_org", "HC01")
    options = page.locator("#household-org-options option")
    expect(options.first).to_be_attached()
    household = options.first.get_attribute("value")
    assert household.startswith("HC01"), household
    page.fill("#id_household_org", household)
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(re.compile(r"/applicants/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text(f"已建档：{name}")
    assert Applicant.objects.get(name=name).household_org.code == household
    expect(page.locator("#step-1")).to_contain_text(applied.isoformat())
    expect(page.locator("#next-step")).to_contain_text("第2步 党组织派人谈话")
    detail_url = page.url

    # Step 1 alone: the talk (R2, within a month) is now on the to-do list.
    nav(page, "发展纪实", "待办提醒")
    talk_group = page.locator("#kind-talk")
    expect(talk_group.get_by_role("link", name=name)).to_be_visible()
    expect(talk_group.locator("tr", has_text=name)).to_contain_text("R2")

    # Step 2: the talk, reached from the reminder.
    talk_group.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r"/applicants/\d+/"))
    page.fill("#id_step-date", talked.isoformat())
    page.fill("#id_step-talker", "张书记")
    page.get_by_role("button", name="登记完成第2步").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成第2步 党组织派人谈话")
    expect(page.locator("#step-2")).to_contain_text(talked.isoformat())
    expect(page.locator("#step-2")).to_contain_text("谈话人：张书记")

    # Step 3: recommended by members and determined as activist.
    expect(page.locator("#next-step")).to_contain_text("第3步 推荐和确定入党积极分子")
    page.fill("#id_step-date", activist.isoformat())
    page.get_by_label("党员推荐").check()
    page.get_by_role("button", name="登记完成第3步").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成第3步 推荐和确定入党积极分子")

    # The timeline shows the three steps done and the person as an activist.
    for n, day in ((1, applied), (2, talked), (3, activist)):
        expect(page.locator(f"#step-{n}")).to_have_class(re.compile(r"\bdone\b"))
        expect(page.locator(f"#step-{n}")).to_contain_text(day.isoformat())
    expect(page.locator("h1 + .badge")).to_have_text("入党积极分子")
    expect(page.locator("#next-step")).to_contain_text("第4步 上级党委备案")
    a = Applicant.objects.get(name=name)
    assert (a.id_number, a.current_step, a.applied_on, a.talked_on, a.activist_on) == (
        good_id,
        3,
        applied,
        talked,
        activist,
    )

    # The talk reminder is gone from the to-do list.
    nav(page, "发展纪实", "待办提醒")
    expect(page.locator("h1")).to_contain_text("待办提醒")
    expect(page.get_by_role("link", name=name)).to_have_count(0)

    page.goto(detail_url)
    screenshot(page, "journey1-applicant-steps-1-3")
