"""The rule engine. Rules are data (``RuleDefinition`` rows: kind, article, effective dates,
parameters); each rule code has one check function registered here (or by another app's
``gates`` module, e.g. reviews' R16–R20). One call evaluates every rule in force at a point
(a step number, or an action name such as ``"review:2"``) and returns errors and warnings.

A check receives a :class:`Context` and the definition's params, and returns messages (strings)
or :class:`Violation` objects (to override kind or name a field). No rule lives in a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from recruitment.errors import DomainError, Violation

from .steps import Step, get_step


@dataclass
class Verdict:
    errors: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DomainError(self.errors)


@dataclass
class Context:
    """What a check may read. ``applicant`` may be unsaved (the ledger import judges rows before
    writing); checks that need the database guard on ``applicant.pk``."""

    applicant: Any
    point: int | str
    date: dt.date
    data: dict = field(default_factory=dict)
    today: dt.date | None = None
    actor: Any = None
    # Ledger import and tests may supply facts instead of database rows:
    facts: dict = field(default_factory=dict)
    ruleset: Any = None  # the RuleSet being evaluated (a check may read another rule's parameters)
    rule: Any = None  # the RuleDefinition row in force for the check being run (its version, article)

    @property
    def step(self) -> Step | None:
        return get_step(self.point) if isinstance(self.point, int) else None


Check = Callable[[Context, dict], Iterable["Violation | str"]]


@dataclass(frozen=True)
class Registered:
    code: str
    points: frozenset
    check: Check
    # For a deadline, the rule set in force on the triggering date applies (the application for R2,
    # the meeting for R12); for a condition on an act, the one in force on the act's date.
    trigger: Callable[[Context], dt.date | None] | None = None


REGISTRY: dict[str, Registered] = {}
_ORDER: list[Registered] | None = None  # REGISTRY sorted by rule number; reset by register()


def register(code: str, points: Iterable[int | str], trigger: Callable[[Context], dt.date | None] | None = None):
    """Decorator: the check for rule ``code`` at these points (step numbers or action names)."""

    def deco(fn: Check) -> Check:
        global _ORDER
        REGISTRY[code] = Registered(code=code, points=frozenset(points), check=fn, trigger=trigger)
        _ORDER = None
        return fn

    return deco


# County switches that became national: from these dates the national row applies everywhere (a county
# row cannot weaken it); before, a county's own row still judges its history.
NATIONAL_FROM: dict[str, dt.date] = {"R25": dt.date(2026, 5, 11), "R27": dt.date(2026, 5, 11)}


class RuleSet:
    """The definitions in force, loaded once (one query) and reused for many evaluations.

    For a rule code and a date, the row in force is the newest one started on or before the date (and
    not ended). A row with a jurisdiction (an organization department) applies inside its subtree and
    wins there over the national row; the most specific jurisdiction wins."""

    def __init__(self, definitions: list):
        self.definitions = definitions
        self._by_code: dict[str, list] = {}
        for d in sorted(definitions, key=lambda d: d.effective_from, reverse=True):
            self._by_code.setdefault(d.code, []).append(d)
        self.earliest = min((d.effective_from for d in definitions), default=None)

    @classmethod
    def load(cls) -> RuleSet:
        from recruitment.models import RuleDefinition

        rows = RuleDefinition.objects.filter(enabled=True).select_related("jurisdiction")
        return cls(list(rows.order_by("code", "-effective_from")))

    def in_force(self, code: str, on: dt.date, org_path: str = ""):
        best, best_depth = None, -1
        for d in self._by_code.get(code, ()):  # newest first
            if d.effective_from > on or (d.effective_to is not None and on > d.effective_to):
                continue
            if d.jurisdiction_id is None:
                depth = 0
            elif code in NATIONAL_FROM and on >= NATIONAL_FROM[code]:
                continue
            elif org_path and org_path.startswith(d.jurisdiction.path):
                depth = len(d.jurisdiction.path)
            else:
                continue
            if depth > best_depth:
                best, best_depth = d, depth
        return best

    def params(self, code: str, on: dt.date, org_path: str = "") -> dict | None:
        d = self.in_force(code, on, org_path)
        return None if d is None else dict(d.params or {})


def _org_path(ctx: Context) -> str:
    a = ctx.applicant
    return a.branch.path if getattr(a, "branch_id", None) else ""


def evaluate(ctx: Context, ruleset: RuleSet | None = None, only: Iterable[str] | None = None) -> Verdict:
    ruleset = ruleset or RuleSet.load()
    ctx.ruleset = ruleset
    verdict = Verdict()
    wanted = set(only) if only else None
    org_path = _org_path(ctx)
    if ruleset.earliest and ctx.date < ruleset.earliest and isinstance(ctx.point, int):
        verdict.warnings.append(
            Violation(
                "RULESET",
                f"{ctx.date:%Y-%m-%d}早于本系统收录的任何规则版本（最早 {ruleset.earliest:%Y-%m-%d}），该日期未按规则检查",
                kind="warn",
            )
        )
    for reg in _ordered_checks():
        if ctx.point not in reg.points or (wanted and reg.code not in wanted):
            continue
        on = (reg.trigger(ctx) if reg.trigger else None) or ctx.date
        definition = ruleset.in_force(reg.code, on, org_path)
        if definition is None:
            continue
        ctx.rule = definition
        for item in reg.check(ctx, dict(definition.params or {})) or ():
            v = item if isinstance(item, Violation) else Violation(rule=reg.code, message=str(item))
            v.rule = v.rule or reg.code
            v.article = v.article or definition.article
            # A check may soften a hard rule (a recorded exception); a rule kept as a warning (in the
            # text, or switched so by a county) never refuses.
            v.kind = "warn" if v.kind == "warn" or definition.kind == "warn" else "hard"
            (verdict.errors if v.kind == "hard" else verdict.warnings).append(v)
    return verdict


def _ordered_checks() -> list[Registered]:
    """The registered checks in rule order, sorted once after the last registration (the ledger
    import evaluates ~50,000 times per 10,000 rows)."""
    global _ORDER
    if _ORDER is None:
        _ORDER = [REGISTRY[c] for c in sorted(REGISTRY, key=_rule_sort_key)]
    return _ORDER


def _rule_sort_key(code: str) -> tuple[int, str]:
    digits = "".join(c for c in code if c.isdigit())
    return (int(digits) if digits else 999, code)


def ensure_checks_loaded() -> None:
    """Import every module that registers checks (called from AppConfig.ready)."""
    from importlib import import_module

    from django.apps import apps

    for app in apps.get_app_configs():
        try:
            import_module(f"{app.name}.gates")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.gates":
                raise
