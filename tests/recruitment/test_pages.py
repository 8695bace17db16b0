"""Pages: Chinese login, role home pages, no outside URL anywhere, seed idempotent."""

import re

import pytest
from django.urls import reverse

OUTSIDE = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)


def test_login_page_is_chinese(client, db):
    body = client.get("/login/").content.decode()
    assert "用户登录" in body and 'lang="zh-CN"' in body


@pytest.mark.parametrize(
    "role,title",
    [
        ("secretary", "支部工作台"),
        ("committee", "党(工)委工作台"),
        ("department", "组织部工作台"),
        ("inspector", "督查工作台"),
    ],
)
def test_each_role_lands_on_its_home(world, client, role, title):
    user = getattr(world.users, role)
    response = client.post("/login/", {"username": user.username, "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert title in response.content.decode()


PAGES = ["/", "/login/", "/org/orgs/", "/org/orgs/A1/", "/org/orgs/import/", "/org/members/"]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_references_an_outside_url(world, client_for, url):
    body = client_for(world.users.department).get(url).content.decode()
    assert not OUTSIDE.search(body), OUTSIDE.search(body)


# seed_demo idempotency (organizations, members, users, applicants, reviews) is tested with the whole
# demo in tests/applicants/test_demo.py.
