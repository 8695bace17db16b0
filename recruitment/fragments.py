"""Rendered page parts kept in the cache (issue 14), keyed by everything they are drawn from.

A fragment is cached under a key made of:
- the page part's name and the template's context *stamp* — what the data behind it is: a person's
  ``Applicant.version`` (bumped by every write that touches the person, applicants.versions), or the
  :func:`scope stamp <scope_stamp>` of everyone a user sees (the newest change mark of the user's
  organization, recruitment.changes: O(1) for a committee as for a branch); the caller adds the day and
  the :func:`reference stamp <reference_stamp>` (rule rows, work calendar, organizations);
- the user (id, role, organization): what a user may see and do is never served to another user.

A cached form holds a placeholder where its CSRF token goes; each response puts in the token of the
browser that receives it, so one user's cached body serves their phone and their desktop alike.

So a key is never invalidated: a write makes a new key and the old entry ages out (``FRAGMENT_TTL``).
Only GET pages without form errors are cached; the flash messages and the menu are outside the fragment.
The cache is Redis in production (shared by the workers) and local memory by default.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from . import changes
from .models import ChangeMark

FRAGMENT_TTL = 24 * 3600
# A cached body is rendered with this as its CSRF token; every serve replaces the whole hidden input that
# {% csrf_token %} writes (text typed by users is escaped, so it can never form that element).
CSRF_PLACEHOLDER = "csrf-token-of-the-receiving-browser"
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def reference_stamp() -> str:
    """Changes whenever a rule row, the work calendar or an organization changes (their ``reference``
    change mark), in one query. What the rules judge depends on the first two; every page names
    organizations."""
    return _stamp(_reference_sql(connection.vendor), [])


def scope_stamp(user) -> str:
    """The reference stamp and the newest change mark among the people ``user`` sees
    (recruitment.changes), in one query of index lookups, whatever the size of the user's subtree."""
    if not getattr(user, "is_authenticated", False) or not (user.is_superuser or user.organization_id):
        return "nobody:" + reference_stamp()
    if user.is_superuser:
        return "all:" + marks_stamp()
    return f"{user.organization_id}:" + marks_stamp(changes.org_scope(user.organization_id))


def marks_stamp(*scopes: str) -> str:
    """The reference stamp and the newest change mark of each scope, in one query."""
    return _stamp(_marks_sql(connection.vendor, len(scopes)), list(scopes))


def scope_parts(request) -> tuple:
    """What a page of the people a user sees is drawn from: their scope's stamp, the day (the rules
    count days) and the query string (filters, page)."""
    return (scope_stamp(request.user), timezone.localdate(), request.GET.urlencode())


def _stamp(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return ".".join(str(v or 0) for v in row)


@functools.cache
def _reference_parts(vendor: str) -> tuple[str, ...]:
    """The newest ``reference`` change mark: every save or delete of a rule row, a work calendar day or an
    organization adds one (recruitment.changes), in the writer's transaction and after its commit."""
    table = connection.ops.quote_name(ChangeMark._meta.db_table)
    return (f"(SELECT MAX(id) FROM {table} WHERE scope = '{changes.REFERENCE}')",)


@functools.cache
def _reference_sql(vendor: str) -> str:
    return "SELECT " + ", ".join(_reference_parts(vendor))


@functools.cache
def _marks_sql(vendor: str, scopes: int) -> str:
    """scopes = 0: the newest mark of any scope."""
    table = connection.ops.quote_name(ChangeMark._meta.db_table)
    newest = [f"(SELECT MAX(id) FROM {table} WHERE scope = %s)"] * scopes or [f"(SELECT MAX(id) FROM {table})"]
    return "SELECT " + ", ".join((*newest, *_reference_parts(vendor)))


@functools.cache
def release() -> str:
    """What this code is: a digest of the project's Python files and templates, read once per process.
    Part of every key, so a new release never serves a body drawn by the old one from a shared cache."""
    from pathlib import Path

    from django.conf import settings

    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for top in sorted(root.iterdir()):
        if not top.is_dir() or top.name.startswith(".") or top.name in NOT_CODE:
            continue
        for path in sorted(top.rglob("*")):
            if path.suffix in {".py", ".html"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


NOT_CODE = {"var", "static", "tests", "docs", "bench", "node_modules", "locale"}


def fragment_key(request, name: str, parts: Iterable) -> str:
    user = request.user
    who = (user.pk, getattr(user, "role", ""), getattr(user, "organization_id", None), user.is_superuser)
    raw = repr((release(), name, who, tuple(parts)))
    return f"frag:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_fragment(
    request, name: str, parts: Iterable, template: str, build: Callable[[], dict], *, use_cache: bool = True
) -> SafeString:
    """The rendered ``template`` with the context ``build()`` returns, from the cache when the same
    ``parts`` were rendered for this user and browser before. The template is rendered without the
    context processors: it receives ``request``, ``user``, ``csrf_token`` and ``Role`` besides the context."""
    key = fragment_key(request, name, parts) if use_cache else ""
    html = cache.get(key) if use_cache else None
    if html is None:
        from .models import Role

        context = {"request": request, "user": request.user, "csrf_token": CSRF_PLACEHOLDER, "Role": Role}
        context.update(build())
        html = get_template(template).render(context)
        if use_cache:
            cache.set(key, html, FRAGMENT_TTL)
    blank = CSRF_INPUT.format(CSRF_PLACEHOLDER)
    if blank in html:
        html = html.replace(blank, CSRF_INPUT.format(get_token(request)))
    return mark_safe(html)
