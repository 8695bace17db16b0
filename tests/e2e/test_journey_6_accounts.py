"""Journey 6: accounts under the Content-Security-Policy. Department staff reset a person's password
(the confirm dialog comes from static/js/app.js), the person logs in with the temporary password and
must choose their own; the lockout page after five wrong passwords; no console error anywhere (a CSP
violation is one)."""

import uuid

from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, login, logout, nav, screenshot
from .prep import BRANCH_CODE


def test_department_resets_a_password_and_the_person_must_change_it(watched_page, server, db_access):
    from recruitment.models import AccountEvent, Organization, Role, User

    username = f"e2e_{uuid.uuid4().hex[:6]}"
    person = User.objects.create(
        username=username,
        display_name="旅程六书记",
        role=Role.BRANCH_SECRETARY,
        organization=Organization.objects.get(code=BRANCH_CODE),
    )
    person.set_password(DEMO_PASSWORD)
    person.save()

    page = watched_page
    login(page, server, "zuzhibu")
    nav(page, "组织与党员", "登录锁定")
    expect(page.locator("h1")).to_have_text("登录锁定")
    nav(page, "组织与党员", "账号管理")
    expect(page.locator("h1")).to_have_text("账号管理")
    page.fill("input[name=q]", username)
    page.click("main form[method=get] button[type=submit]")
    row = page.locator("tbody tr", has_text=username)
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    row.get_by_role("button", name="重置密码").click()
    expect(page.locator("h1")).to_contain_text("已重置")
    assert asked and username in asked[0]
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert len(temporary) >= 10
    assert AccountEvent.objects.filter(user=person, actor__username="zuzhibu").exists()
    logout(page)

    page.wait_for_url(f"{server}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", temporary)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/password/")
    expect(page.locator(".alert-warning")).to_contain_text("临时密码")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", "Lvcheng6@2026")
    page.fill("#id_new_password2", "Lvcheng6@2026")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server}/password/changed/")
    page.goto(f"{server}/")
    expect(page.locator("h1").first).to_have_text("支部工作台")
    screenshot(page, "journey6-password-changed")


def test_five_wrong_passwords_show_the_chinese_lockout_page(page, server):
    """``watched_page`` counts every 4xx as an error; the lockout answers 429 on purpose, so this
    journey watches the console itself."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    username = f"nobody_{uuid.uuid4().hex[:6]}"  # no account: no demo user is locked
    response = page.goto(f"{server}/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]  # the browser enforces it
    for i in range(5):
        page.fill("#id_username", username)
        page.fill("#id_password", f"wrong-{i}")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("登录已暂时锁定")
    expect(page.locator("main")).to_contain_text("30 分钟")
    screenshot(page, "journey6-lockout")
    assert [e for e in errors if "status of 429" not in e] == []
