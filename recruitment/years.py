"""The ``?year=`` of the pages that show one year (the quota dashboard, plans and ratio rules, the
ledger submission, the work calendar). A year that is not a number, or out of range, is said so in
plain Chinese above the page, which then shows this year: never a silent fallback, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.utils import timezone

YEAR_MIN, YEAR_MAX = 2000, 2100


def year_from_request(request, *, lo: int = YEAR_MIN, hi: int = YEAR_MAX, default: int | None = None) -> int:
    raw = str(request.GET.get("year") or request.POST.get("year") or "").strip()
    fallback = default if default is not None else timezone.localdate().year
    fallback = min(max(fallback, lo), hi)
    if not raw:
        return fallback
    if raw.isdigit() and lo <= int(raw) <= hi:
        return int(raw)
    shown = raw if len(raw) <= 20 else raw[:20] + "…"
    messages.error(
        request,
        f"年份无效：“{shown}”。请填写 {lo}—{hi} 年之间的四位数字年份，如 {fallback}；下面显示的是 {fallback} 年。",
    )
    return fallback
