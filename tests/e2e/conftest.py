"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server,
on the demo county (seeded once per session). Run as their own pytest session (see Makefile):
the demo data would disturb the unit tests' small world.

Every page's requests are recorded; a journey fails if any request goes to a host other than the
live server, or if the page logs a console error, or if axe-core (vendored in assets/axe-core, no
CDN) finds a serious or critical accessibility violation on any page the journey loaded. Each journey's last page is screenshotted into
``E2E_SCREENSHOT_DIR`` (default var/screenshots) and the paths are printed at the end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's sync API runs an event loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT_DIR = Path(os.environ.get("E2E_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots"))
DEMO_PASSWORD = "Demo@2026dj"
_shots: list[Path] = []
AXE_SOURCE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
# WCAG 2.1 A/AA plus best practices; only serious and critical findings fail a journey.
AXE_RUN = """async () => {
  // The load handler may run once the journey has already clicked on: wait until this document and its
  // stylesheets are loaded, or axe judges unstyled markup (default link colours on the navbar).
  if (document.readyState !== "complete") {
    await new Promise(resolve => window.addEventListener("load", resolve, {once: true}));
  }
  if (!window.axe) return null;
  const r = await window.axe.run(document, {resultTypes: ["violations"]});
  return r.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html.slice(0, 100)
                  + (n.any.length ? " — " + n.any[0].message : ""))}));
}"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("需要 Debian 的 chromium（make test 会自动安装：apt-get install chromium）")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 900},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """Always create the test database. pytest-django only creates databases that some collected
    test asks for through ``db``/``django_db``; journeys ask for none (their data must stay across
    the session), so without this they would run on the development database."""
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    # The live server's request threads close their connection after each request (no persistent
    # connections), so none is left open when the test database is dropped at the end.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock():
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            # A browser keep-alive socket may still hold a request thread (and its connection).
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        teardown_databases(old_config, verbosity=0)


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The demo county, seeded once into the test database."""
    from django.conf import settings

    with django_db_blocker.unblock():
        name = str(settings.DATABASES["default"]["NAME"])
        assert "test" in name, f"journeys must run on a test database, not {name}"
        call_command("seed_demo", "--quiet")
    return True


@pytest.fixture(scope="session")
def server(demo, django_db_blocker):
    """A live server over the seeded test database for the whole session. pytest-django's own
    ``live_server`` forces ``transactional_db``, whose flush would wipe the demo after the first
    journey; journeys instead create their own people and never rely on a clean slate."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://localhost:{thread.port}"
        finally:
            thread.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()


@pytest.fixture
def db_access(django_db_blocker):
    """Database access in the test body (to check what a journey wrote)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def watched_page(page, server):
    """A page whose requests and console are recorded; asserts at teardown."""
    allowed = urlsplit(server).netloc
    outside: list[str] = []
    errors: list[str] = []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != allowed:
            outside.append(request.url)

    page.on("request", on_request)
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    page.outside_requests, page.console_errors = outside, errors
    a11y = AxeWatch(page)
    page._axe_checked = a11y.checked
    yield page
    a11y.check()
    assert not outside, f"请求了外部地址：{outside}"
    assert not errors, f"浏览器控制台错误：{errors}"
    assert not a11y.found, "无障碍检查（axe-core）发现严重问题：\n" + "\n".join(a11y.found)


class AxeWatch:
    """Runs axe-core on every page the journey loads (the ``load`` event: the handler runs before
    the journey's next browser call returns, so the page is checked before it is left) and once more
    at the end, on the last page after any htmx swaps. axe is injected as an init script: the page's
    CSP allows no inline script, and init scripts are not subject to it."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        self.checked: list[str] = []
        self._seen: set[tuple[str, str, str]] = set()
        page.add_init_script(path=str(AXE_SOURCE))
        page.on("load", lambda _page: self.check())

    def check(self) -> None:
        from playwright.sync_api import Error

        if not self.page.url.startswith("http"):
            return
        try:
            violations = self.page.evaluate(AXE_RUN)
            url = self.page.url  # the document axe ran on (it waited for it to load)
        except Error:
            return  # the page is gone: navigated away while axe ran (its successor is checked on load)
        path = urlsplit(url).path
        self.checked.append(path)
        for v in violations or ():
            for target in v["targets"]:
                key = (path, v["id"], target)
                if key not in self._seen:
                    self._seen.add(key)
                    self.found.append(f"{path} [{v['impact']}] {v['id']}（{v['help']}）：{target}")


def login(page, server: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")


def logout(page) -> None:
    page.click("nav .dropdown-menu-end >> xpath=.. >> button.dropdown-toggle")
    page.click("nav form[action$='/logout/'] button")


def nav(page, menu: str, item: str | None = None) -> None:
    """Click a top navigation entry; with ``item``, open the ``menu`` dropdown and click that entry."""
    page.locator("#mainnav .navbar-nav .nav-link", has_text=menu).first.click()
    if item is not None:
        page.locator("#mainnav .dropdown-menu.show .dropdown-item", has_text=item).click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _shots.append(path)
    return path


def pdf_screenshot(pdf: Path, name: str) -> Path:
    """The first page of a downloaded PDF as a PNG among the journeys' screenshots (Debian's poppler-utils:
    ``pdftoppm``, installed by ``make e2e-deps``)."""
    import subprocess

    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.fail("需要 Debian 的 poppler-utils（make test 会自动安装：apt-get install poppler-utils）")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOT_DIR / name
    subprocess.run([tool, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
    path = stem.with_suffix(".png")
    _shots.append(path)
    return path


def pytest_terminal_summary(terminalreporter):
    if _shots:
        terminalreporter.write_sep("-", "journey screenshots")
        for p in _shots:
            terminalreporter.write_line(str(p))
