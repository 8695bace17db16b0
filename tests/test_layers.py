"""The apps are layers: recruitment (ground) ← applicants ← reviews ← quotas ← jobs. An app imports
only the apps below it — at module level or inside a function alike.

Read from the source (no import side effects): every ``import x`` / ``from x import …`` in an app's
files, relative imports resolved."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["recruitment", "applicants", "reviews", "quotas", "jobs"]
# Known, owned elsewhere: the demo data moves into its own app (applicants' demo uses reviews').
ALLOWED = {("applicants/demo.py", "reviews")}


def imported_apps(path: Path) -> set[str]:
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.add((package[: len(package) - node.level + 1] or ("",))[0])
            elif node.module:
                found.add(node.module.split(".")[0])
    return found & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = sorted(
        f"{rel} imports {other}"
        for path in (ROOT / app).rglob("*.py")
        for rel in [path.relative_to(ROOT).as_posix()]
        for other in imported_apps(path) & above
        if (rel, other) not in ALLOWED
    )
    assert not wrong, wrong


def test_job_bodies_do_not_import_the_tasks_that_run_them():
    """jobs.tasks imports notify/stale; they queue work by task name (jobs.broker) instead."""
    for name in ("notify.py", "stale.py", "broker.py"):
        tree = ast.parse((ROOT / "jobs" / name).read_text(encoding="utf-8"))
        modules = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
        assert "jobs.tasks" not in modules and "tasks" not in modules and "tasks" not in names, name
