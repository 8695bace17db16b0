"""Change marks (issue 14): what a cached page of a scope is keyed by.

A page that shows the people of a user's subtree (the pipeline list, the to-do list, the home widgets,
the 预判分析台账) was keyed by a *scope stamp* — one aggregate over everyone the user sees. For a county
committee that is thousands of rows per request; for the department, two million. Instead, every write
that touches a person adds a :class:`~recruitment.models.ChangeMark` for the person's branch and each
organization above it (its path names them, no query), and a page reads the newest mark of the user's
organization: one index lookup whatever the subtree's size.

Where marks are added:
- ``applicants.versions.bump`` — every write that bumps a person's version (the generic hook): their
  branch and the branch that admitted them (the yearly figures count people where they were admitted);
- a person moved to another branch marks the branch they left as well (``Applicant.from_db`` keeps the
  branch the row was read with);
- bulk writes that send no signals call :func:`touch_paths` themselves (the ledger import);
- a member written (the register: post_save/post_delete, and the register import) marks their branch;
- quota plans, allocations and ratio rules mark ``quotas`` (their post_save/post_delete);
- rule rows, work calendar days and organizations mark ``reference`` (the reference stamp).

A mark is inserted in the writer's transaction and once more after its commit (:func:`touch`), so
the newest mark a reader sees is never older than the data it reads, whatever order overlapping
writers commit in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max

from .models import PATH_STEP, ChangeMark

QUOTAS = "quotas"
REFERENCE = "reference"  # rule rows, the work calendar, organizations: what every page is judged or named by


def org_scope(org_id: int) -> str:
    return f"org:{org_id}"


def path_ids(path: str) -> list[int]:
    """The organization and every organization above it, from its path."""
    return [int(path[i : i + PATH_STEP], 16) for i in range(0, len(path), PATH_STEP)]


def touch(scopes: Iterable[str]) -> None:
    """Mark these scopes now (seen with the write's commit) and once more after the commit.

    The second mark matters when writers overlap: a mark's id is drawn at insert, not at commit, so a
    writer that commits after a later one would otherwise leave its data behind a mark that is not the
    newest — and a page drawn before its commit cached under the newest. A mark inserted after the commit
    is newer than every mark before it, so the page is drawn anew. (Tests run inside one transaction that
    never commits: the first mark serves them.)"""
    scopes = sorted(set(scopes))
    if not scopes:
        return
    ChangeMark.objects.bulk_create([ChangeMark(scope=s) for s in scopes])
    if connection.in_atomic_block:
        transaction.on_commit(
            lambda: ChangeMark.objects.bulk_create([ChangeMark(scope=s) for s in scopes]), robust=True
        )


def touch_paths(paths: Iterable[str | None]) -> None:
    """Mark the organizations of these paths and everything above them."""
    touch(org_scope(i) for p in paths if p for i in path_ids(p))


def on_reference_write(sender, **kwargs) -> None:
    touch([REFERENCE])


def on_member_write(sender, instance, **kwargs) -> None:
    """A member saved or deleted marks their branch — and the branch they left, when moved."""
    from .models import Organization

    ids = {instance.branch_id, getattr(instance, "_db_branch_id", None)} - {None}
    touch_paths(Organization.objects.filter(pk__in=ids).values_list("path", flat=True))
    instance._db_branch_id = instance.branch_id


def mark(scope: str | None) -> int:
    """The newest mark of a scope (None: of any scope); 0 before the first."""
    table = connection.ops.quote_name(ChangeMark._meta.db_table)
    with connection.cursor() as cursor:
        if scope is None:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 — the table name is ours
        else:
            cursor.execute(f"SELECT MAX(id) FROM {table} WHERE scope = %s", [scope])  # noqa: S608
        return cursor.fetchone()[0] or 0


def prune() -> int:
    """Delete every mark but the newest of each scope (the nightly job). A scope's newest mark, and so
    every key built from it, stays what it was."""
    newest = ChangeMark.objects.values("scope").annotate(m=Max("id")).values("m")
    deleted, _ = ChangeMark.objects.exclude(id__in=newest).delete()
    return deleted
