"""Issue 12 acceptance: ``manage.py check --deploy`` is clean with the production settings, in the
production shape (Redis broker, database checks included, nothing below DEBUG level tolerated), and the
production settings keep the hardening the check cannot see. (The CSP header in both modes:
tests/security/test_csp.py.)"""

from __future__ import annotations

import json
import secrets

from tests.recruitment.test_settings import run_manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_ALLOWED_HOSTS": "dyfz.example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def production(*args: str, **env: str):
    return run_manage(*args, **PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **env)


def test_check_deploy_reports_nothing_at_any_level_with_the_production_settings():
    result = production("check", "--deploy", "--database", "default", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_stays_clean_when_debug_is_asked_for_in_production():
    """DJANGO_DEBUG=true cannot switch debugging on in production."""
    result = production("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_production_settings_keep_the_hardening():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in ("
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_CONTENT_TYPE_NOSNIFF', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'X_FRAME_OPTIONS', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', "
        "'SESSION_COOKIE_AGE', 'MIDDLEWARE')}))"
    )
    result = production("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 30
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SESSION_COOKIE_AGE"] <= 60 * 60 * 8  # the idle timeout, not 14 days
    assert "csp.middleware.CSPMiddleware" in s["MIDDLEWARE"]
