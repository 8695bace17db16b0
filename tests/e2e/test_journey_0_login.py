"""Journey 0: every demo user logs in and lands on a home page for their role."""

import pytest

from .conftest import login, logout, screenshot


@pytest.mark.parametrize(
    "username,title",
    [
        ("zhibu", "支部工作台"),
        ("dangwei", "党(工)委工作台"),
        ("zuzhibu", "组织部工作台"),
        ("ducha", "督查工作台"),
    ],
)
def test_demo_user_lands_on_role_home(watched_page, server, username, title):
    page = watched_page
    login(page, server, username)
    assert page.locator("h1").first.inner_text() == title
    screenshot(page, f"journey0-{username}")
    logout(page)
    page.wait_for_url(f"{server}/login/")


def test_wrong_password_shows_chinese_error(watched_page, server):
    page = watched_page
    page.goto(f"{server}/login/")
    page.fill("#id_username", "zhibu")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.content()
