"""The one domain error: a refusal carrying rule ids and Chinese messages. Every app raises it; views
turn it into form errors or a message, never a 500."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Violation:
    rule: str
    message: str
    kind: str = "hard"
    article: str = ""
    field: str = ""

    def __str__(self) -> str:
        head = f"{self.rule} {self.article}".strip()
        return f"{head}：{self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "article": self.article,
            "field": self.field,
            "message": str(self),
        }


class DomainError(Exception):
    """A refusal carrying rule ids and Chinese messages. Views show it; nothing was written."""

    def __init__(self, violations: Iterable[Violation]):
        self.violations = list(violations)
        super().__init__("；".join(str(v) for v in self.violations))

    @classmethod
    def single(cls, rule: str, message: str, field: str = "", article: str = "") -> DomainError:
        return cls([Violation(rule=rule, message=message, field=field, article=article)])

    @property
    def rules(self) -> list[str]:
        return [v.rule for v in self.violations]


# --- race losers --------------------------------------------------------------------------------------------
CONFLICT = "CONFLICT"
CONFLICT_MESSAGE = "该事项已由他人办理，请刷新后查看"


def conflict() -> DomainError:
    """The refusal a race loser gets, the same on SQLite and PostgreSQL."""
    return DomainError.single(CONFLICT, CONFLICT_MESSAGE)


# PostgreSQL: unique_violation, serialization_failure, deadlock_detected, lock_not_available.
_RACE_SQLSTATES = {"23505", "40001", "40P01", "55P03"}


def is_race(exc: BaseException) -> bool:
    """A database error that means "someone else wrote the same thing first": a unique constraint
    (both databases), a serialization failure or deadlock (PostgreSQL), a held write lock (SQLite).
    The driver's own error counts too (the ledger's COPY runs on the raw psycopg cursor)."""
    from django.db import DatabaseError

    for error in (exc, exc.__cause__):
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if state:
            return state in _RACE_SQLSTATES
    if not isinstance(exc, DatabaseError):
        return False
    text = str(exc)
    return "UNIQUE constraint failed" in text or "database is locked" in text


class conflict_on_race:
    """``with conflict_on_race(): with transaction.atomic(): …`` — a lost race becomes
    ``DomainError(CONFLICT)`` (nothing was written: the atomic block rolled back); any other error
    propagates. Put it outside the atomic block, so the rollback happens first."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and isinstance(exc, Exception) and is_race(exc):
            raise conflict() from exc
        return False
