"""Findings of the outside probe of 2026-11-30 (issue 12) about logging in and sessions, one test each:
every one failed before its fix."""

import datetime as dt
import secrets

from django.urls import reverse
from django.utils import timezone

from tests.recruitment.test_settings import run_manage


# --- no login throttling: 30 wrong passwords, then the right one worked at once ----------------------
def test_thirty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off_ends(world, client, time_machine):
    login, home = reverse("login"), reverse("home")
    user = world.users.secretary
    answers = [client.post(login, {"username": user.username, "password": f"wrong{i}"}) for i in range(30)]
    assert [r.status_code for r in answers[:4]] == [200] * 4  # the form again, with its error
    assert {r.status_code for r in answers[4:]} == {429}  # the fifth failure locks the pair
    right = client.post(login, {"username": user.username, "password": "pw"})
    assert right.status_code == 429 and "登录已暂时锁定" in right.content.decode()
    assert client.get(home).status_code == 302  # not logged in
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=29))
    assert client.post(login, {"username": user.username, "password": "pw"}).status_code == 429
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=31))  # 30 minutes after the last attempt
    assert client.post(login, {"username": user.username, "password": "pw"}).url == home
    assert client.get(home).status_code == 200


# --- users could not change their own password --------------------------------------------------------
def test_a_user_changes_their_own_password_from_the_user_menu(world, client_for):
    user = world.users.secretary
    client = client_for(user)
    url = reverse("password_change")
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()  # the user menu
    assert "修改密码" in client.get(url).content.decode()
    response = client.post(url, {"old_password": "pw", "new_password1": "Zhibu@2026x", "new_password2": "Zhibu@2026x"})
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Zhibu@2026x")
    assert client.get(reverse("home")).status_code == 200  # still logged in on this browser


# --- 14-day sessions with no idle timeout ------------------------------------------------------------
def test_a_session_ends_after_thirty_idle_minutes_and_each_request_renews_it(world, client_for, time_machine):
    client = client_for(world.users.secretary)
    home = reverse("home")
    start = timezone.now()
    for minutes in (20, 40, 60):  # active every 20 minutes: still logged in an hour later
        time_machine.move_to(start + dt.timedelta(minutes=minutes))
        assert client.get(home).status_code == 200
    time_machine.move_to(start + dt.timedelta(minutes=60 + 31))
    response = client.get(home)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_session_is_written_at_most_once_a_minute_not_on_every_request(world, client_for, time_machine):
    """Renewal on every request cost a session UPDATE per page (issue 14); within the minute no write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.users.secretary)
    home = reverse("home")
    client.get(home)

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(home).status_code == 200
        return sum(1 for q in ctx.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"][:8])

    assert session_writes() == 0  # same minute
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    assert session_writes() == 1  # renewed
    assert session_writes() == 0


def session_settings(module: str, **env) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    if module == "config.settings.production":
        env = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "x.gov.cn", **env}
    result = run_manage("shell", "-c", code, DJANGO_SETTINGS_MODULE=module, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-3:]


def test_production_sessions_idle_out_after_thirty_minutes_and_end_with_the_browser():
    assert session_settings("config.settings.production") == ["1800", "False", "True"]
    assert session_settings("config.settings.production", DJANGO_SESSION_IDLE_MINUTES="15") == ["900", "False", "True"]


def test_local_sessions_last_a_working_day():
    assert session_settings("config.settings.local") == ["43200", "False", "False"]


def test_a_bad_idle_timeout_stops_the_start():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_SESSION_IDLE_MINUTES="0")
    assert result.returncode != 0 and "DJANGO_SESSION_IDLE_MINUTES" in result.stderr
