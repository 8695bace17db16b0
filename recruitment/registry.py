"""Extension points so apps plug into navigation and home pages without editing shared files.

Apps call these from ``AppConfig.ready()``.
"""

from __future__ import annotations

from .context_processors import NAV_EXTRA

# role (or "*") -> list of (order, template name); each template gets the home view's context.
HOME_WIDGETS: dict[str, list[tuple[int, str]]] = {}
# Widgets drawn only from data the home stamps cover (the people in the user's scope and what hangs on
# them): rendered once per stamp and day and cached (recruitment/fragments.py). The others render live.
CACHED_WIDGETS: set[str] = set()
# callables(user) -> str: together they change whenever the data of a cached widget may have changed.
HOME_STAMPS: list = []


def add_nav(url: str, label: str, icon: str, roles: tuple[str, ...] | None = None, order: int = 50, badge=None) -> None:
    """``badge``: optional callable(user) -> int shown as a count next to the label (0 hides it)."""
    if not any(i["url"] == url for i in NAV_EXTRA):
        NAV_EXTRA.append({"url": url, "label": label, "icon": icon, "roles": roles, "order": order, "badge": badge})


def add_home_widget(
    template: str, roles: tuple[str, ...] | None = None, order: int = 50, *, cached: bool = False
) -> None:
    """``cached``: the widget shows only what the home stamps cover (see ``add_home_stamp``)."""
    if cached:
        CACHED_WIDGETS.add(template)
    for role in roles or ("*",):
        widgets = HOME_WIDGETS.setdefault(role, [])
        if all(t != template for _, t in widgets):
            widgets.append((order, template))


def add_home_stamp(stamp) -> None:
    if stamp not in HOME_STAMPS:
        HOME_STAMPS.append(stamp)


def home_stamp(user) -> tuple[str, ...]:
    return tuple(stamp(user) for stamp in HOME_STAMPS)


def home_widgets_for(user) -> list[str]:
    role = "*" if user.is_superuser else user.role
    items = HOME_WIDGETS.get("*", []) + (
        HOME_WIDGETS.get(role, []) if role != "*" else [w for ws in HOME_WIDGETS.values() for w in ws]
    )
    seen, out = set(), []
    for _, t in sorted(items):
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


# Panels on the applicant page (e.g. reviews' responsibility chain): templates that receive
# ``applicant`` and ``request`` in their context, shown in ``order``.
APPLICANT_PANELS: list[tuple[int, str]] = []


def add_applicant_panel(template: str, order: int = 50) -> None:
    if all(t != template for _, t in APPLICANT_PANELS):
        APPLICANT_PANELS.append((order, template))
        APPLICANT_PANELS.sort()


def applicant_panels() -> list[str]:
    return [t for _, t in APPLICANT_PANELS]


# Panels on the archive page (一人一档, e.g. the open spot-check findings): templates that receive the
# archive page's context (``applicant``, ``archive``, ``request``), shown in ``order`` above the checklist.
ARCHIVE_PANELS: list[tuple[int, str]] = []


def add_archive_panel(template: str, order: int = 50) -> None:
    if all(t != template for _, t in ARCHIVE_PANELS):
        ARCHIVE_PANELS.append((order, template))
        ARCHIVE_PANELS.sort()


def archive_panels() -> list[str]:
    return [t for _, t in ARCHIVE_PANELS]
