"""Extension point of the ledger entry page: apps above reviews (quotas) add panels to it from their
``AppConfig.ready()`` without reviews importing them.

A panel is a template and a callable ``(request, entry) -> value | None``: None leaves the panel
out (e.g. the user may not see it); otherwise the template is included with ``panel`` = the value,
next to the page's own context (``entry``, ``applicant`` …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (order, template, callable)
ENTRY_PANELS: list[tuple[int, str, Callable[[Any, Any], Any]]] = []


def add_entry_panel(template: str, panel: Callable[[Any, Any], Any], order: int = 50) -> None:
    if all(t != template for _, t, _ in ENTRY_PANELS):
        ENTRY_PANELS.append((order, template, panel))
        ENTRY_PANELS.sort(key=lambda p: p[0])


def entry_panels(request, entry) -> list[dict]:
    """The panels to show on ``entry``'s page for this request: ``{"template", "panel"}`` each."""
    out = []
    for _, template, panel in ENTRY_PANELS:
        value = panel(request, entry)
        if value is not None:
            out.append({"template": template, "panel": value})
    return out
