"""Content-Security-Policy (issue 12, "no CSP"): the header in both modes, and no inline script or style in
any template or rendered page — behaviour lives in static/js/app.js, data for scripts in json_script."""

import re
import secrets
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.recruitment.test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]
POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def assert_strict(policy: str | None) -> None:
    assert policy, "no Content-Security-Policy header"
    directives = [d.strip() for d in policy.split(";")]
    for expected in POLICY:
        assert expected in directives, (expected, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


class Inline(HTMLParser):
    """Collects what a strict policy refuses: script elements with a body (not application/json), event
    handler attributes, hx-on, javascript: URLs, style attributes and style elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and "src" not in a and a.get("type") != "application/json":
            self.found.append(f"<script> without src ({self.getpos()})")
        if tag == "style":
            self.found.append(f"<style> element ({self.getpos()})")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name}= ({self.getpos()})")
            if name == "style":
                self.found.append(f"style= ({self.getpos()})")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{name}=javascript: ({self.getpos()})")


def inline_in(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def page_templates() -> list[Path]:
    """Every template the site serves: templates/ and each app's templates/ (emails are not pages)."""
    found = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return sorted(p for p in found if "email" not in p.relative_to(ROOT).parts and ".venv" not in p.parts)


# One regex pass over the template source too, so a handler hidden in a {% if %} branch the pages
# below do not render is caught as well.
SOURCE_PATTERNS = {
    "inline event handler": re.compile(r"""\son[a-z]+\s*=""", re.I),
    "hx-on": re.compile(r"""\shx-on""", re.I),
    "javascript: URL": re.compile(r"""javascript:""", re.I),
    "style attribute": re.compile(r"""\sstyle\s*=""", re.I),
    "style element": re.compile(r"""<style\b""", re.I),
    "inline script": re.compile(r"""<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>""", re.I),
}


def test_no_template_holds_inline_script_handlers_or_style():
    templates = page_templates()
    assert len(templates) > 40 and ROOT / "templates/base.html" in templates
    offences = [
        f"{path.relative_to(ROOT)}:{n}: {what}"
        for path in templates
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in SOURCE_PATTERNS.items()
        if pattern.search(line)
    ]
    assert not offences, "\n".join(offences)


def test_the_template_check_finds_what_it_looks_for():
    bad = [
        '<select onchange="this.form.submit()">',
        '<button hx-on:click="alert(1)">',
        '<a href="javascript:void(0)">',
        '<div style="width: 1em">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
    ]
    for html in bad:
        assert inline_in(html), html
        assert any(p.search(html) for p in SOURCE_PATTERNS.values()), html
    fine = '<script src="/static/js/app.js"></script><script id="d" type="application/json">{}</script>'
    assert not inline_in(fine) and not any(p.search(fine) for p in SOURCE_PATTERNS.values())


@pytest.fixture
def pages(world, make_candidate):
    a = make_candidate(until=9)
    return [
        reverse("home"),
        reverse("recruitment:org_list"),
        reverse("recruitment:org_detail", args=["A1"]),
        reverse("recruitment:member_list"),
        reverse("recruitment:org_import"),
        reverse("applicants:list"),
        reverse("applicants:create"),
        reverse("applicants:todo"),
        reverse("applicants:detail", args=[a.pk]),
        reverse("applicants:update", args=[a.pk]),
        reverse("applicants:archive", args=[a.pk]),
        reverse("reviews:ledger"),
        reverse("reviews:ledger_submit"),
        reverse("reviews:queue"),
        reverse("reviews:applicant_checks", args=[a.pk]),
        reverse("quotas:plans"),
        reverse("quotas:plan_log"),
        reverse("quotas:rules"),
        reverse("quotas:dashboard"),
        reverse("jobs:stale_list"),
        reverse("jobs:jobs"),
        reverse("jobs:inbox"),
        reverse("ledger:import"),
        reverse("password_change"),
        reverse("accounts:list"),
        reverse("accounts:lockouts"),
    ]


def test_every_page_carries_the_strict_policy_and_no_inline_script_or_style(world, client_for, pages):
    client = client_for(world.users.department)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response.headers.get("Content-Security-Policy"))
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert not inline_in(response.content.decode()), (url, inline_in(response.content.decode()))


def test_the_login_lockout_and_error_pages_carry_the_policy(world, client, client_for):
    for url in (reverse("login"), reverse("password_reset")):
        response = client.get(url)
        assert_strict(response.headers.get("Content-Security-Policy"))
        assert not inline_in(response.content.decode())
    for i in range(5):
        locked = client.post(reverse("login"), {"username": "sec_a1", "password": f"wrong{i}"})
    assert locked.status_code == 429
    assert_strict(locked.headers.get("Content-Security-Policy"))
    assert not inline_in(locked.content.decode())
    forbidden = client_for(world.users.secretary).get(reverse("recruitment:org_import"))
    assert forbidden.status_code == 403
    assert_strict(forbidden.headers.get("Content-Security-Policy"))
    missing = client_for(world.users.department).get("/org/orgs/NOPE/")
    assert missing.status_code == 404
    assert_strict(missing.headers.get("Content-Security-Policy"))


def test_the_policy_is_sent_in_production(tmp_path):
    code = (
        "from django.test import Client; "
        "r = Client().get('/healthz', secure=True, HTTP_HOST='dyfz.example.gov.cn'); "
        "print(r.status_code); print(r.headers.get('Content-Security-Policy')); "
        "print(r.headers.get('X-Content-Type-Options'))"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="dyfz.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    status, policy, nosniff = result.stdout.strip().splitlines()[-3:]
    assert status == "200" and nosniff == "nosniff"
    assert_strict(policy)


def test_the_policy_is_sent_locally_even_with_debug(tmp_path):
    code = (
        "from django.test import Client; "
        "r = Client().get('/login/', HTTP_HOST='127.0.0.1'); "
        "print(r.status_code); print(r.headers.get('Content-Security-Policy'))"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'l.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    status, policy = result.stdout.strip().splitlines()[-2:]
    assert status == "200"
    assert_strict(policy)
