import datetime as dt
import itertools
import random
from contextlib import contextmanager

import pytest

from applicants.models import Applicant, ApplicantStatus
from recruitment.idcard import make_id_number
from recruitment.models import MemberStatus, Organization, PartyMember
from tests.factories import OrganizationFactory

_rng = random.Random(11)
_seq = itertools.count(1)


def person(
    branch: Organization,
    *,
    step: int = 1,
    status: str = ApplicantStatus.ACTIVE,
    admitted_on: dt.date | None = None,
    admitted_branch: Organization | None = None,
) -> Applicant:
    """An applicant row in a given state (state is what the scan reads; the pipeline has its own tests)."""
    birth = dt.date(1995, 1, 1) + dt.timedelta(days=next(_seq))
    return Applicant.objects.create(
        name=f"测试{next(_seq)}",
        gender="男",
        birth_date=birth,
        id_number=make_id_number(birth, "男", _rng),
        education="大学本科",
        occupation="农牧渔民",
        branch=branch,
        status=status,
        current_step=step,
        admitted_on=admitted_on,
        admitted_branch=admitted_branch or (branch if admitted_on else None),
        admitted_sector=(admitted_branch or branch).sector if admitted_on else "",
    )


def admitted(branch: Organization, on: dt.date) -> Applicant:
    return person(branch, step=17, admitted_on=on)


def member(branch: Organization, joined_on: dt.date, *, status: str = MemberStatus.FULL, **kw) -> PartyMember:
    """A member on the 党员名册 of ``branch`` with that 入党日期 (no applicant in the system)."""
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=next(_seq))
    return PartyMember.objects.create(
        name=f"名册{next(_seq)}",
        gender="男",
        id_number=make_id_number(birth, "男", _rng),
        branch=branch,
        status=status,
        joined_on=joined_on,
        full_member_since=None if status == MemberStatus.PROBATIONARY else joined_on.replace(year=joined_on.year + 1),
        **kw,
    )


@pytest.fixture
def make_branch(world):
    def make(code: str, founded: dt.date | None = dt.date(1990, 1, 1), parent=None, **kw) -> Organization:
        return OrganizationFactory(
            code=code, name=f"{code}村党支部", parent=parent or world.a, founded_on=founded, **kw
        )

    return make


@pytest.fixture
def mailed(world):
    """The world's staff and secretaries with email addresses."""
    u = world.users
    for user in (u.department, u.committee, u.committee_b, u.secretary, u.secretary_b, u.inspector):
        user.email = f"{user.username}@demo.local"
        user.save(update_fields=["email"])
    return world


class FailingSMTPBackend:
    """An email backend whose server refuses every message (a transient SMTP failure)."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("连接被服务器关闭（测试）")


@contextmanager
def broker(url: str, queue: str | None = None):
    """Point this process's Celery publisher at another broker (e.g. a closed port)."""
    from config.celery_app import app

    def reset():
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)

    saved = app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    if queue:
        app.conf.task_default_queue = queue
    reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue = saved
        reset()
