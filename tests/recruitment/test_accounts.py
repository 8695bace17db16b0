"""Accounts: the login lockout (django-axes) and its unlocking by department staff, passwords (validators,
own change, staff reset with a temporary password, reset by email), all attributed."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from recruitment.accounts import client_ip, temporary_password
from recruitment.models import AccountAction, AccountEvent, OrgLevel, Role
from tests.factories import OrganizationFactory, UserFactory

LOGIN = "/login/"


def fail(client, username, times=5, ip="10.0.0.1"):
    for i in range(times):
        client.post(LOGIN, {"username": username, "password": f"wrong-{i}"}, REMOTE_ADDR=ip)


def logs_in(username, password="pw", ip="10.0.0.1") -> bool:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    return response.status_code == 302 and response.url == reverse("home")


# --- the lockout -------------------------------------------------------------------------------------
def test_the_lockout_page_is_chinese_on_the_login_address(world, client):
    fail(client, "sec_a1", times=4)
    response = client.post(LOGIN, {"username": "sec_a1", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    body = response.content.decode()
    assert 'lang="zh-CN"' in body and "登录已暂时锁定" in body and "连续 5 次" in body and "30 分钟" in body
    assert not english_in(body)
    assert "Account locked" not in body and "Content-Security-Policy" in response.headers


def english_in(body: str) -> list[str]:
    """English words in what the page shows (its main part, markup left out)."""
    text = re.sub(r"<[^>]*>", " ", body.split("<main", 1)[1].split(">", 1)[1])
    return re.findall(r"[A-Za-z]{3,}", text)


def test_the_password_pages_speak_chinese(world, client, client_for):
    pages = [
        client.get(reverse("password_reset")),
        client.post(reverse("password_reset"), {"email": "not an address"}),
        client.get(reverse("password_reset_done")),
        client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]), follow=True),
        client.get(reverse("password_reset_complete")),
    ]
    user = client_for(world.users.secretary)
    pages += [
        user.get(reverse("password_change")),
        user.post(reverse("password_change"), {"old_password": "x", "new_password1": "a", "new_password2": "b"}),
        user.get(reverse("password_change_done")),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not english_in(response.content.decode()), (
            response.request["PATH_INFO"],
            english_in(response.content.decode()),
        )


def test_the_lockout_holds_one_username_from_one_address(world, client):
    fail(client, "sec_a1")
    assert not logs_in("sec_a1")
    assert logs_in("sec_a1", ip="10.0.0.2")  # the same person from another computer
    assert logs_in("comm_a")  # another person from the same computer


def test_a_successful_login_clears_earlier_failures(world, client):
    fail(client, "sec_a1", times=4)
    assert logs_in("sec_a1")
    fail(client, "sec_a1", times=4)
    assert logs_in("sec_a1")


def test_the_failure_limit_and_cool_off_come_from_the_settings(world, client, time_machine):
    with override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=dt.timedelta(minutes=5)):
        fail(client, "sec_a1", times=2)
        assert not logs_in("sec_a1")
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=6))
        assert logs_in("sec_a1")


# --- unlocking -----------------------------------------------------------------------------------------
def test_department_staff_see_the_lockouts_of_their_subtree_and_unlock_one_attributed(world, client, client_for):
    fail(client, "sec_a1")
    fail(client, "nobody-such")  # not an account: only a superuser sees it
    staff = client_for(world.users.department)
    page = staff.get(reverse("accounts:lockouts")).content.decode()
    assert "sec_a1" in page and "10.0.0.1" in page and "nobody-such" not in page
    response = staff.post(reverse("accounts:unlock"), {"username": "sec_a1", "ip_address": "10.0.0.1"}, follow=True)
    assert "已解除" in response.content.decode()
    assert logs_in("sec_a1")
    event = AccountEvent.objects.get()
    assert (event.action, event.actor, event.user, event.ip_address, event.failures) == (
        AccountAction.UNLOCK,
        world.users.department,
        world.users.secretary,
        "10.0.0.1",
        5,
    )
    assert "当前没有被锁定的登录" in staff.get(reverse("accounts:lockouts")).content.decode()


@pytest.mark.parametrize("role", ["secretary", "committee", "inspector"])
def test_only_department_staff_unlock(world, client, client_for, role):
    fail(client, "sec_a1")
    other = client_for(getattr(world.users, role))
    assert other.get(reverse("accounts:lockouts")).status_code == 403
    assert other.post(reverse("accounts:unlock"), {"username": "sec_a1", "ip_address": "10.0.0.1"}).status_code == 403
    assert not logs_in("sec_a1") and not AccountEvent.objects.exists()


def test_a_lockout_outside_the_subtree_is_neither_listed_nor_unlocked(world, client, client_for):
    other_root = OrganizationFactory(code="ZZ", name="另一县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    UserFactory(username="far_away", role=Role.DEPARTMENT_STAFF, organization=other_root)
    fail(client, "far_away")
    staff = client_for(world.users.department)
    assert "far_away" not in staff.get(reverse("accounts:lockouts")).content.decode()
    response = staff.post(reverse("accounts:unlock"), {"username": "far_away", "ip_address": "10.0.0.1"}, follow=True)
    assert "已解除或已过期" in response.content.decode()
    assert not logs_in("far_away") and not AccountEvent.objects.exists()


def test_a_superuser_sees_and_unlocks_every_lockout(world, client, client_for):
    fail(client, "nobody-such")
    admin = client_for(UserFactory(username="root", role="", is_superuser=True, is_staff=True))
    assert "nobody-such" in admin.get(reverse("accounts:lockouts")).content.decode()
    admin.post(reverse("accounts:unlock"), {"username": "nobody-such", "ip_address": "10.0.0.1"})
    assert not AccessAttempt.objects.exists()
    assert AccountEvent.objects.get().user is None


def test_the_staff_menu_links_the_account_pages(world, client_for):
    nav = client_for(world.users.department).get(reverse("home")).content.decode()
    assert reverse("accounts:lockouts") in nav and reverse("accounts:list") in nav
    nav = client_for(world.users.secretary).get(reverse("home")).content.decode()
    assert reverse("accounts:lockouts") not in nav


# --- passwords -------------------------------------------------------------------------------------------
def test_temporary_passwords_pass_the_validators(world):
    for _ in range(20):
        validate_password(temporary_password(world.users.secretary), world.users.secretary)


def test_changing_ones_password_checks_the_old_one_and_refuses_the_same_or_a_weak_one(world, client_for):
    client = client_for(world.users.secretary)
    url = reverse("password_change")
    wrong_old = client.post(
        url, {"old_password": "nope", "new_password1": "Zhibu@2026x", "new_password2": "Zhibu@2026x"}
    )
    assert "旧密码不正确" in wrong_old.content.decode()
    weak = client.post(url, {"old_password": "pw", "new_password1": "12345678901", "new_password2": "12345678901"})
    assert "密码只包含数字" in weak.content.decode()
    world.users.secretary.set_password("Zhibu@2026x")
    world.users.secretary.save()
    client = client_for(world.users.secretary)
    same = client.post(
        url, {"old_password": "Zhibu@2026x", "new_password1": "Zhibu@2026x", "new_password2": "Zhibu@2026x"}
    )
    assert "新密码不能与原密码相同" in same.content.decode()


# --- staff reset: a temporary password, changed at the next page ---------------------------------------------
def reset(client, user):
    response = client.post(reverse("accounts:reset_password", args=[user.pk]))
    assert response.status_code == 200, response
    match = re.search(r'id="temporary-password">([^<]+)<', response.content.decode())
    return response, match.group(1)


def test_department_staff_give_a_temporary_password_that_must_be_changed(world, client, client_for):
    secretary = world.users.secretary
    fail(client, "sec_a1")  # the person is locked out too
    staff = client_for(world.users.department)
    assert "sec_a1" in staff.get(reverse("accounts:list")).content.decode()
    response, temporary = reset(staff, secretary)
    assert "只显示这一次" in response.content.decode() and "no-store" in response.headers["Cache-Control"]
    assert not logs_in("sec_a1", "pw")
    assert logs_in("sec_a1", temporary)  # the lockout went with the old password
    event = AccountEvent.objects.get(action=AccountAction.PASSWORD_RESET)
    assert (event.actor, event.user) == (world.users.department, secretary)
    assert temporary not in str(AccountEvent.objects.values()) and temporary not in secretary.password

    person = Client()
    person.post(LOGIN, {"username": "sec_a1", "password": temporary})
    for url in (reverse("home"), reverse("applicants:list"), reverse("recruitment:org_list")):
        assert person.get(url).url == reverse("password_change")
    htmx = person.get(reverse("applicants:list"), HTTP_HX_REQUEST="true")
    assert htmx.headers["HX-Redirect"] == reverse("password_change")
    assert "已由工作人员重置为临时密码" in person.get(reverse("password_change")).content.decode()
    done = person.post(
        reverse("password_change"),
        {"old_password": temporary, "new_password1": "Zhibu@2026x", "new_password2": "Zhibu@2026x"},
    )
    assert done.url == reverse("password_change_done")
    assert person.get(reverse("home")).status_code == 200
    secretary.refresh_from_db()
    assert not secretary.must_change_password


def test_a_reset_ends_the_users_sessions(world, client_for):
    from django.test import Client as C

    person = C()
    person.force_login(world.users.secretary)
    assert person.get(reverse("home")).status_code == 200
    reset(client_for(world.users.department), world.users.secretary)
    assert person.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("role", ["secretary", "committee", "inspector"])
def test_only_department_staff_reset_passwords(world, client_for, role):
    client = client_for(getattr(world.users, role))
    assert client.get(reverse("accounts:list")).status_code == 403
    assert client.post(reverse("accounts:reset_password", args=[world.users.secretary_b.pk])).status_code == 403


def test_staff_reset_only_ordinary_accounts_of_their_subtree_and_not_their_own(world, client_for):
    other_root = OrganizationFactory(code="ZZ", name="另一县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    far = UserFactory(username="far_away", role=Role.DEPARTMENT_STAFF, organization=other_root)
    admin_here = UserFactory(username="admin_here", role=Role.DEPARTMENT_STAFF, organization=world.root, is_staff=True)
    staff = client_for(world.users.department)
    assert "far_away" not in staff.get(reverse("accounts:list")).content.decode()
    assert staff.post(reverse("accounts:reset_password", args=[far.pk])).status_code == 404
    for user, message in [(world.users.department, "不能在此重置自己的密码"), (admin_here, "只能由超级管理员重置")]:
        response = staff.post(reverse("accounts:reset_password", args=[user.pk]), follow=True)
        assert message in response.content.decode()
        user.refresh_from_db()
        assert user.check_password("pw") and not user.must_change_password
    assert not AccountEvent.objects.exists()


# --- reset by email, where the account has one ----------------------------------------------------------
def test_a_user_with_an_email_resets_their_password_by_a_link(world, client):
    world.users.secretary.email = "zhibu@example.gov.cn"
    world.users.secretary.must_change_password = True
    world.users.secretary.save()
    fail(Client(), "sec_a1", ip="127.0.0.1")  # locked out on this computer
    assert reverse("password_reset") in client.get(LOGIN).content.decode()
    response = client.post(reverse("password_reset"), {"email": "zhibu@example.gov.cn"})
    assert response.url == reverse("password_reset_done")
    [message] = mail.outbox
    assert "重置密码" in message.subject
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Zhibu@2026x", "new_password2": "Zhibu@2026x"})
    assert done.url == reverse("password_reset_complete")
    world.users.secretary.refresh_from_db()
    assert world.users.secretary.check_password("Zhibu@2026x") and not world.users.secretary.must_change_password
    assert "链接已失效" in client.get(link, follow=True).content.decode()  # once only
    assert logs_in("sec_a1", "Zhibu@2026x", ip="127.0.0.1")  # the lockout ended with the reset


def test_an_unknown_email_gets_the_same_answer_and_no_mail(world, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert response.url == reverse("password_reset_done") and not mail.outbox


# --- the client address behind the proxy -----------------------------------------------------------------
def test_the_client_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.1.20")
    with override_settings(PROXY_COUNT=0):
        assert client_ip(request) == "10.9.9.9"  # no proxy: the header is the client's and ignored
    with override_settings(PROXY_COUNT=1):
        assert client_ip(request) == "192.168.1.20"  # the entry our proxy appended, not the forged one
    with override_settings(PROXY_COUNT=1):
        bad = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="not-an-ip")
        assert client_ip(bad) == "10.9.9.9"
