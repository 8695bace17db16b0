"""What recording a step does to the person: the one implementation of the step table's ``sets``,
``effects`` and ``outcomes`` (:mod:`applicants.steps`).

:func:`apply_step` works in memory: it changes the :class:`~applicants.models.Applicant` object and
collects the rows to write elsewhere (a new member record, people, a training, a probation change) in
a :class:`Change`. The browser's service saves a change for one person (:func:`save_change`); the
ledger import applies the same function to thousands of rows and writes their changes in bulk. No
caller sets a step's dates or status by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from recruitment.dates import add_months, add_years, age_on
from recruitment.models import MemberStatus, PartyMember

from .models import Applicant, ApplicantPerson, ApplicantStatus, ProbationChange, StepRecord, Training
from .steps import CANDIDATE_FILING, Kind, Path, Step, get_step


@dataclass
class Change:
    """The writes one or more recorded steps ask for, beyond the applicant row itself."""

    fields: list[str] = field(default_factory=list)  # changed Applicant fields, in order
    record: bool = True  # the step is completed (gets a StepRecord); False for an extension
    new_member: PartyMember | None = None  # the register entry created at approval (unsaved)
    member_update: dict[str, Any] = field(default_factory=dict)  # on the person's existing register entry
    people: list[tuple[PartyMember, str]] = field(default_factory=list)  # (member, role) for the step record
    training: Training | None = None
    probation_change: ProbationChange | None = None
    extra_records: list[StepRecord] = field(default_factory=list)  # steps completed by this one (2026: step 8)
    ended: str = ""  # the status label when the path ended here (不予发展 / 取消预备党员资格)

    def touch(self, *names: str) -> None:
        for n in names:
            if n not in self.fields:
                self.fields.append(n)


def apply_step(
    a: Applicant, step: Step, date: dt.date, data: dict, *, actor=None, change: Change | None = None
) -> Change:
    """Record ``step`` on ``a`` in memory. ``data`` is the cleaned step data (members as objects).
    A ``change`` passed in accumulates several steps of one person (the ledger import)."""
    change = change or Change()
    outcome = step.outcome_for(data)
    if outcome is not None and outcome.path == Path.EXTENDED:
        _extend_probation(a, date, data, actor, change)
        return change
    a.current_step, a.last_step_on = step.number, date
    change.touch("current_step", "last_step_on")
    if step.sets and (outcome is None or outcome.keeps_date):
        setattr(a, step.sets, date)
        change.touch(step.sets)
    if outcome is None:
        for name in step.effects:
            EFFECTS[name](a, step, date, data, change)
        return change
    a.status = ApplicantStatus(outcome.path.value)
    a.terminal_on = date
    a.terminal_reason = (data.get("reason") or "").strip() or f"{step}：{data.get(step.verdict)}"
    change.touch("status", "terminal_on", "terminal_reason")
    change.ended = a.get_status_display()
    if outcome.path == Path.CANCELLED:
        _member_update(a, change, is_active=False)
    return change


def _member_update(a: Applicant, change: Change, **values: Any) -> None:
    if change.new_member is not None:  # created by an earlier step of the same import row
        for k, v in values.items():
            setattr(change.new_member, k, v)
    elif a.member_id:
        change.member_update.update(values)


def _extend_probation(a: Applicant, date: dt.date, data: dict, actor, change: Change) -> None:
    """R13: the conversion meeting extends probation once; the person waits for the next meeting."""
    months = int(data["extension_months"])
    old_end = a.probation_end
    a.probation_end = add_months(old_end, months)
    a.probation_extended = True
    change.touch("probation_end", "probation_extended")
    change.record = False
    change.probation_change = ProbationChange(
        applicant=a,
        meeting_on=date,
        months=months,
        old_end=old_end,
        new_end=a.probation_end,
        reason=(data.get("reason") or "").strip(),
        actor=actor,
    )


# --- the effects named in the step table ---------------------------------------------------------------
def assign_members(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    """培养联系人 (R4) / 入党介绍人 (R7): the members chosen in the step's member fields."""
    for f in step.fields:
        if f.kind == Kind.MEMBERS:
            change.people += [(m, f.role) for m in data.get(f.name) or () if isinstance(m, PartyMember)]


def record_training(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    """The centralized training (R9) counts towards the days/hours total."""
    days, hours = Decimal(str(data.get("days") or 0)), Decimal(str(data.get("hours") or 0))
    if days or hours:
        start = data.get("start") or date
        start = dt.date.fromisoformat(start) if isinstance(start, str) else start
        change.training = Training(
            applicant=a, name=data.get("name") or "发展对象集中培训", start=start, end=date, days=days, hours=hours
        )


def probation_end_after(meeting: dt.date) -> dt.date:
    """R13: probation is one year from the branch meeting that received the person."""
    return add_years(meeting, 1)


def start_probation(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    a.probation_end = probation_end_after(date)
    change.touch("probation_end")


def admit(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    """预备党员: the branch, sector and age at approval are kept (quotas count them), and the person
    enters the member register."""
    branch = a.branch
    a.admitted_branch, a.admitted_sector, a.admitted_age = branch, branch.sector, age_on(a.birth_date, date)
    change.new_member = PartyMember(
        name=a.name,
        id_number=a.id_number,
        gender=a.gender,
        branch=branch,
        status=MemberStatus.PROBATIONARY,
        joined_on=a.branch_meeting_on,
    )
    change.touch("admitted_branch", "admitted_sector", "admitted_age", "member")


def promote(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    """R15: a full member, 党龄 from the probation end date."""
    _member_update(a, change, status=MemberStatus.FULL, full_member_since=a.probation_end)


def carry_consent(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    """2026 (R26): the committee's consent came before the 公示 and the listing; it completes step 8
    (上级党委同意) with its own date and the person who decided, so the person goes on with step 9.
    ``data["consent"]`` is set by the caller when the 2026 set is in force for the listing."""
    consent = data.get("consent")
    if consent is None:
        return
    filing = get_step(CANDIDATE_FILING)
    actor = getattr(consent, "actor", None)
    change.extra_records.append(
        StepRecord(
            applicant=a,
            step=filing.number,
            date=consent.date,
            actor=actor,
            acting_org=getattr(actor, "organization", None),
            responsible=str(actor) if actor else "",
            outcome="同意",
            notes="细则（2026）：上级党委同意后公示，再确定为发展对象",
            data={"label": "上级党委同意", "verdict": "同意", "consent_on": consent.date.isoformat()},
        )
    )
    a.current_step = filing.number  # last_step_on stays the listing date, the latest of the two
    change.touch("current_step")


def complete(a: Applicant, step: Step, date: dt.date, data: dict, change: Change) -> None:
    a.status = ApplicantStatus.MEMBER
    change.touch("status")


EFFECTS: dict[str, Callable[[Applicant, Step, dt.date, dict, Change], None]] = {
    f.__name__: f for f in (assign_members, record_training, start_probation, admit, promote, carry_consent, complete)
}


def save_change(a: Applicant, change: Change, *, record=None, actor=None) -> None:
    """Write one person's change (the browser's path); ``a`` itself is saved by the caller."""
    if change.new_member is not None:
        change.new_member.save()
        a.member = change.new_member
    if change.member_update and a.member_id:
        PartyMember.objects.filter(pk=a.member_id).update(**change.member_update)
    if change.people:
        ApplicantPerson.objects.bulk_create(
            [
                ApplicantPerson(applicant=a, member=m, role=role, assigned_on=record.date, step_record=record)
                for m, role in change.people
            ]
        )
    if change.training is not None:
        change.training.actor = actor
        change.training.save()
    if change.probation_change is not None:
        change.probation_change.save()
    for extra in change.extra_records:
        extra.save()
