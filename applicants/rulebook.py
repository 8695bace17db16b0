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

    @property
    def step(self) -> Step | None:
        return get_step(self.point) if isinstance(self.point, int) else None


Check = Callable[[Context, dict], Iterable["Violation | str"]]


@dataclass(frozen=True)
class Registered:
    code: str
    points: frozenset
    check: Check


REGISTRY: dict[str, Registered] = {}
_ORDER: list[Registered] | None = None  # REGISTRY sorted by rule number; reset by register()


def register(code: str, points: Iterable[int | str]):
    """Decorator: the check for rule ``code`` at these points (step numbers or action names)."""

    def deco(fn: Check) -> Check:
        global _ORDER
        REGISTRY[code] = Registered(code=code, points=frozenset(points), check=fn)
        _ORDER = None
        return fn

    return deco


class RuleSet:
    """The definitions in force, loaded once (one query) and reused for many evaluations."""

    def __init__(self, definitions: list):
        self.definitions = definitions

    @classmethod
    def load(cls) -> RuleSet:
        from recruitment.models import RuleDefinition

        return cls(list(RuleDefinition.objects.filter(enabled=True).order_by("code", "-effective_from")))

    def in_force(self, code: str, on: dt.date):
        for d in self.definitions:  # ordered newest first per code
            if d.code == code and d.effective_from <= on and (d.effective_to is None or on <= d.effective_to):
                return d
        return None

    def params(self, code: str, on: dt.date) -> dict | None:
        d = self.in_force(code, on)
        return None if d is None else dict(d.params or {})


def evaluate(ctx: Context, ruleset: RuleSet | None = None, only: Iterable[str] | None = None) -> Verdict:
    ruleset = ruleset or RuleSet.load()
    verdict = Verdict()
    wanted = set(only) if only else None
    for reg in _ordered_checks():
        if ctx.point not in reg.points or (wanted and reg.code not in wanted):
            continue
        definition = ruleset.in_force(reg.code, ctx.date)
        if definition is None:
            continue
        for item in reg.check(ctx, dict(definition.params or {})) or ():
            v = (
                item
                if isinstance(item, Violation)
                else Violation(rule=reg.code, message=str(item), kind=definition.kind)
            )
            v.rule = v.rule or reg.code
            v.article = v.article or definition.article
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
