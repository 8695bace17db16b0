"""People to draw from: placed directly at a state (the draw only reads dates), and draws made through
the service."""

from __future__ import annotations

import datetime as dt

from applicants.models import StepRecord
from inspections.models import Population
from inspections.services import spot_check_draw
from tests.applicants.people import placed

D = dt.date


def admitted(world, n: int, *, branch=None, year: int = 2026, prefix: str = "接收") -> list:
    return [
        placed(world, step=17, name=f"{prefix}{i}", branch=branch or world.a1, admitted_on=D(year, 3, 1 + i % 27))
        for i in range(n)
    ]


def archived(world, a, on: dt.date) -> None:
    StepRecord.objects.create(applicant=a, step=25, date=on)


def draw(world, *, townships=None, size=20, seed=None, actor=None, population=Population.ADMITTED, year=2026):
    return spot_check_draw(
        townships=townships or [world.a],
        population=population,
        year=year,
        size=size,
        seed=seed,
        actor=actor or world.users.inspector,
    )
