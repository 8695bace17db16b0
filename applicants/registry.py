"""Extension point of the to-do page (待办提醒): apps above applicants (reviews: the branch's own
初审) add panels from their ``AppConfig.ready()`` without applicants importing them. A panel is a
template included at the top of the page with the page's context (``user``, ``today`` …)."""

from __future__ import annotations

# (order, template, roles or None for everyone)
TODO_PANELS: list[tuple[int, str, tuple[str, ...] | None]] = []


def add_todo_panel(template: str, roles: tuple[str, ...] | None = None, order: int = 50) -> None:
    if all(t != template for _, t, _ in TODO_PANELS):
        TODO_PANELS.append((order, template, roles))
        TODO_PANELS.sort(key=lambda p: p[0])


def todo_panels_for(user) -> list[str]:
    return [t for _, t, roles in TODO_PANELS if roles is None or user.is_superuser or user.role in roles]
