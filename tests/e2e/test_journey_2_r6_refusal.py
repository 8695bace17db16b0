"""Journey 2: step 7 (确定发展对象) is refused before a full year as activist; the page names R6."""

import datetime as dt
import re

from playwright.sync_api import expect

from .conftest import login, nav, screenshot
from .prep import create_person, days_ago, today, unique_name


def test_candidate_refused_before_one_year_as_activist(watched_page, server, db_access):
    from applicants.models import Event

    page = watched_page
    name = unique_name("旅程二")
    activist = days_ago(200)
    a = create_person(
        name=name,
        dates={1: days_ago(300), 2: days_ago(290), 3: activist, 4: days_ago(195), 5: days_ago(190), 6: days_ago(30)},
    )
    one_year = (
        activist.replace(year=activist.year + 1)
        if not (activist.month == 2 and activist.day == 29)
        else dt.date(activist.year + 1, 3, 1)
    )

    login(page, server, "zhibu")
    nav(page, "发展纪实", "发展对象")
    page.get_by_placeholder("姓名或公民身份号码").fill(name)
    page.get_by_placeholder("姓名或公民身份号码").press("Enter")
    page.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(rf"/applicants/{a.pk}/$"))

    # The next step is step 7; the page already warns that R6 does not allow it yet.
    card = page.locator("#next-step")
    expect(card).to_contain_text("第7步 确定发展对象")
    expect(card.locator(".alert-warning")).to_contain_text("R6")

    # Try anyway, dated today (less than a year after becoming an activist).
    page.fill("#id_step-date", today().isoformat())
    page.fill("#id_step-notes", "支部委员会讨论确定为发展对象")
    page.get_by_role("button", name="登记完成第7步").click()

    refusal = page.locator(".alert-danger", has_text="未能登记")
    expect(refusal).to_contain_text("第7步“确定发展对象”未能登记")
    expect(refusal).to_contain_text("R6")
    expect(refusal).to_contain_text(f"{one_year:%Y-%m-%d}起方可确定为发展对象")
    # The same message sits under the date field.
    expect(page.locator("#id_step-date ~ .invalid-feedback, #error_1_id_step-date").first).to_contain_text("R6")
    expect(page.locator("#step-7")).not_to_have_class(re.compile(r"\bdone\b"))
    # The refusal is on the record, attributed.
    expect(page.locator("tr.table-danger").first).to_contain_text("R6")

    a.refresh_from_db()
    assert a.current_step == 6 and a.candidate_on is None
    assert Event.objects.filter(applicant=a, kind=Event.Kind.REFUSED, message__contains="R6").exists()
    screenshot(page, "journey2-r6-refused")
