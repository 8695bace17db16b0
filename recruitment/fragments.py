"""Rendered page parts kept in the cache (issue 14), keyed by everything they are drawn from.

A fragment is cached under a key made of:
- the page part's name and the template's context *stamp* — what the data behind it is: a person's
  ``Applicant.version`` (bumped by every write that touches the person, applicants.versions), or the
  :func:`scope stamp <scope_stamp>` of everyone a user sees; the caller adds the day and the rule rows'
  fingerprint where the rules judge the data;
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
from django.db.models import Count, Sum
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_TTL = 24 * 3600
# A cached body is rendered with this as its CSRF token; every serve replaces the whole hidden input that
# {% csrf_token %} writes (text typed by users is escaped, so it can never form that element).
CSRF_PLACEHOLDER = "csrf-token-of-the-receiving-browser"
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def scope_stamp(queryset) -> str:
    """What a set of rows is now, in one aggregate query: how many, which (sum of ids) and how often
    they were written (sum of versions). Any write to a row of the set raises its version; a row that
    enters or leaves the set changes the count and the id sum."""
    agg = queryset.order_by().aggregate(n=Count("pk"), ids=Sum("pk"), v=Sum("version"))
    return f"{agg['n']}.{agg['ids'] or 0}.{agg['v'] or 0}"


def reference_stamp() -> str:
    """Changes whenever a rule row, the work calendar or an organization changes (their history tables:
    every save adds a row), in one query. What the rules judge depends on the first two; every page
    names organizations."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_reference_sql(connection.vendor))
        row = cursor.fetchone()
    return ".".join(str(v or 0) for v in row)


@functools.cache
def _reference_sql(vendor: str) -> str:
    from django.db import connection

    from .models import Organization, RuleDefinition, WorkCalendarDay

    parts = []
    for model in (RuleDefinition, WorkCalendarDay, Organization):
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX(history_id) FROM {table})")  # the history's own key: every save adds one
    return "SELECT " + ", ".join(parts)


def fragment_key(request, name: str, parts: Iterable) -> str:
    user = request.user
    who = (user.pk, getattr(user, "role", ""), getattr(user, "organization_id", None), user.is_superuser)
    raw = repr((name, who, tuple(parts)))
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
