"""Hand-offs: the moment a person's file starts waiting for another tier (branch → committee →
department, and back on a return or a refusal).

The services that move a file (``applicants.services.applicant_record_step``, ``reviews.services``)
announce a :class:`HandOff` through the ``handoff`` signal; the apps above (jobs: the 消息 inbox and
the email outbox) connect to it in their ``AppConfig.ready()``. This module knows who is waiting
(:func:`handoff_recipients`) but not how they are told, so applicants and reviews never import jobs.

A hand-off is announced inside the transaction of the act that causes it: a rolled-back act tells
no one. Its ``key`` names the act (entry and version, step record), so telling twice adds nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.dispatch import Signal

from recruitment.models import Organization, Role, User
from recruitment.scope import Level

# Sent with ``handoff=HandOff``. Receivers run inside the act's transaction.
handoff = Signal()

# The role that works at each level: the branch's secretaries, the committee's 组织员, the department.
LEVEL_ROLE = {
    Level.BRANCH: Role.BRANCH_SECRETARY,
    Level.COMMITTEE: Role.COMMITTEE_STAFF,
    Level.DEPARTMENT: Role.DEPARTMENT_STAFF,
}
NEXT_LEVEL = {Level.BRANCH: Level.COMMITTEE, Level.COMMITTEE: Level.DEPARTMENT}

_muted: ContextVar[bool] = ContextVar("handoffs_muted", default=False)


@dataclass(frozen=True)
class HandOff:
    key: str  # unique per act: a re-announcement adds no second message
    branch: Organization  # the person's branch: recipients are its branch, committee or department
    levels: tuple[Level, ...]  # who is told
    title: str
    body: str
    link: str = ""
    actor: User | None = None  # never told about their own act


@contextlib.contextmanager
def handoffs_muted() -> Iterator[None]:
    """Bulk work that is not a hand-off between people (seeding the demo county) announces nothing."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def announce(h: HandOff) -> None:
    """Tell whoever is connected. A system act (no actor: imports, seeding) hands nothing off."""
    if _muted.get() or h.actor is None or not h.levels:
        return
    handoff.send(sender=HandOff, handoff=h)


def handoff_recipients(*, branch: Organization, level: Level, exclude: User | None = None) -> list[User]:
    """The active users working at ``level`` for ``branch``: the branch's own secretaries, the
    committee staff above it, the department staff above it — never those of another subtree.
    A level with nobody (a branch directly under the department) falls to the next level up.
    One query per level tried."""
    orgs = [*branch.ancestor_ids(), branch.pk]
    current: Level | None = Level(level)
    while current is not None:
        qs = User.objects.filter(is_active=True, role=LEVEL_ROLE[current], organization_id__in=orgs)
        if exclude is not None and exclude.pk:
            qs = qs.exclude(pk=exclude.pk)
        users = list(qs.order_by("username"))
        if users or (exclude is not None and _level_has(exclude, current, orgs)):
            return users
        current = NEXT_LEVEL.get(current)
    return []


def _level_has(user: User, level: Level, orgs: list[int]) -> bool:
    """The actor alone works at this level: it is not empty, nobody else is to be told there."""
    return user.is_active and user.role == LEVEL_ROLE[level] and user.organization_id in orgs


# --- the hand-offs of the step table ----------------------------------------------------------------
def step_handoff(*, applicant, step, record, actor, ended: str = "") -> HandOff | None:
    """After ``step`` was recorded: the next step waits for another level (备案 by the committee after
    the branch's step 3, the branch's step 5 after the committee's 备案 …), or a committee/department
    step refused the person (预审不合格, 不批准) and the levels below are told."""
    from django.urls import reverse

    from .steps import STEPS, get_step

    if record is None:
        return None
    link = f"{reverse('applicants:detail', args=[applicant.pk])}#step-{step.number}"
    where = applicant.branch
    if ended:
        if step.actor == Level.BRANCH:
            return None
        levels = (Level.BRANCH,) if step.actor == Level.COMMITTEE else (Level.COMMITTEE, Level.BRANCH)
        title = f"【{step.actor.label}未通过】{applicant.name}：{step.name}（{record.outcome}）"
        body = (
            f"{where.name} {applicant.name}：{step.actor.label}于{record.date:%Y-%m-%d}登记“{step.name}”，"
            f"结论为“{record.outcome}”，{ended}。请登录系统查看。"
        )
        return HandOff(f"step:{record.pk}", where, levels, title, body, link, actor)
    following = applicant.current_step + 1
    if following > len(STEPS):
        return None
    nxt = get_step(following)
    if nxt.actor == step.actor:
        return None
    title = f"【待{nxt.actor.label}办理】{applicant.name}：第{nxt.number}步“{nxt.name}”"
    body = (
        f"{where.name} {applicant.name}已于{record.date:%Y-%m-%d}完成第{step.number}步“{step.name}”，"
        f"第{nxt.number}步“{nxt.name}”待{nxt.actor.label}办理。"
    )
    return HandOff(f"step:{record.pk}", where, (nxt.actor,), title, body, link, actor)
