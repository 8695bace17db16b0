"""Hand-edited or truncated addresses (a bookmark, a link pasted badly) never give a server error:
every list page answers a junk query string with its page, a form error or a 4xx."""

import pytest
from django.urls import reverse

PAGES = [
    "home",
    "recruitment:org_list",
    "recruitment:member_list",
    "applicants:list",
    "applicants:todo",
    "applicants:id_check",
    "reviews:ledger",
    "reviews:ledger_submit",
    "reviews:queue",
    "quotas:plans",
    "quotas:plan_log",
    "quotas:rules",
    "quotas:dashboard",
    "jobs:stale_list",
    "jobs:jobs",
    "jobs:inbox",
    "ledger:import",
    "ledger:export",
]
JUNK = {
    "year": "abc",
    "page": "x",
    "step": "99x",
    "org": "不存在",
    "status": "?",
    "branch": "-1",
    "applicant": "1e9",
    "sector": "<b>",
    "level": "%",
    "as_of": "2026-02-30",
    "q": "' OR 1=1 --",
    "export": "pdf",
    "tab": "../",
}


@pytest.mark.parametrize("role", ["secretary", "committee", "department", "inspector"])
def test_junk_query_strings_never_cause_a_server_error(world, client_for, role):
    client = client_for(getattr(world.users, role))
    for name in PAGES:
        resp = client.get(reverse(name), JUNK)
        assert resp.status_code < 500, (name, resp.status_code)


def test_refusals_and_missing_pages_are_explained_in_chinese(world, client_for):
    client = client_for(world.users.secretary)
    forbidden = client.get(reverse("quotas:dashboard"))
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode() and "返回工作台" in forbidden.content.decode()
    missing = client.get("/applicants/999999/")
    assert missing.status_code == 404 and "不在您所在组织的管辖范围内" in missing.content.decode()


def test_server_error_page_is_chinese_and_needs_no_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "系统出现错误" in html and "<link" in html
