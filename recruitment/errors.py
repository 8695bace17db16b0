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
