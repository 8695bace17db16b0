"""Applicants for the UI tests: created through the service (step 1 judged), then — for read-side
tests only — placed at a step by writing the denormalized state directly."""

from __future__ import annotations

import datetime as dt
import itertools

from applicants.due import refresh
from applicants.models import Applicant
from applicants.services import applicant_create
from recruitment.idcard import check_char
from tests.clock import TODAY

D = dt.date
_seq = itertools.count(1)
BIRTH = D(1995, 3, 10)
APPLIED = D(2026, 1, 10)


def unique_id_number(birth: dt.date, gender: str = "男") -> str:
    n = next(_seq)
    seq = (n % 500) * 2 + (1 if gender == "男" else 0)
    area = f"{610581 + n // 500}"
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def new_applicant(
    world, *, branch=None, name="张三", birth=BIRTH, gender="男", applied=APPLIED, actor=None, **fields
) -> Applicant:
    return applicant_create(
        actor=actor or world.users.secretary,
        branch=branch or world.a1,
        applied_on=applied,
        today=TODAY,
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=unique_id_number(birth, gender),
        education=fields.pop("education", "大学本科"),
        occupation=fields.pop("occupation", "农牧渔民"),
        **fields,
    )


def placed(world, *, step: int, **state) -> Applicant:
    """An applicant whose pipeline state is set directly (read-side tests: list, to-do, timeline)."""
    applied = state.pop("applied_on", D(2024, 1, 10))
    a = new_applicant(
        world,
        name=state.pop("name", f"人员{step}"),
        branch=state.pop("branch", None),
        applied=applied,
        actor=world.users.department,
    )
    Applicant.objects.filter(pk=a.pk).update(current_step=step, **state)
    refresh([a.pk])  # a direct write sends no signal: keep the stored next to-do item as the services do
    a.refresh_from_db()
    return a
