"""Every write that changes what the person page shows bumps Applicant.version (the key of the cached
timeline and page fragments); a write that forgets it fails here."""

import datetime as dt

import pytest

from applicants import versions
from applicants.models import Applicant
from applicants.services import applicant_add_assessment, applicant_add_training, archive_exempt
from recruitment.models import MemberPenalty
from tests.clock import TODAY

from .pipeline import advance, attempt, new_applicant

D = dt.date


def version(a) -> int:
    return Applicant.objects.values_list("version", flat=True).get(pk=a.pk)


def test_every_model_that_points_at_a_person_bumps_the_version_or_is_declared_not_shown(db):
    labels = {m._meta.label for m in versions.person_models()}
    assert labels - versions.NOT_SHOWN <= versions.CONNECTED
    assert {
        "applicants.StepRecord",
        "applicants.Material",
        "reviews.LedgerEntry",
        "reviews.DepartmentOpinion",
    } <= labels


@pytest.mark.parametrize(
    "write",
    [
        lambda world, a: attempt(world, a, 4, D(2022, 4, 10)),
        lambda world, a: applicant_add_assessment(applicant=a, date=D(2022, 6, 1), result="好", actor=world.users.secretary, today=TODAY),
        lambda world, a: applicant_add_training(applicant=a, start=D(2022, 6, 1), end=D(2022, 6, 3), days=3, hours=24, name="", actor=world.users.secretary),
        lambda world, a: archive_exempt(applicant=a, kind="入党申请书", reason="原件在人事档案", actor=world.users.secretary),
        lambda world, a: MemberPenalty.objects.create(member=world.members.full1, kind="警告", decided_on=D(2022, 5, 1)),
    ],
    ids=["step", "assessment", "training", "exemption", "introducer-penalty"],
)  # fmt: skip
def test_a_write_bumps_the_persons_version(world, write):
    a = advance(world, new_applicant(world), until=3)
    if write.__code__.co_names and "MemberPenalty" in write.__code__.co_names:
        a = advance(world, a, until=5)  # full1 becomes a 培养联系人 of the person
    before = version(a)
    write(world, a)
    assert version(a) > before


def test_a_review_decision_bumps_the_version(world):
    from reviews.services import ledger_submit, review_decide

    a = advance(world, new_applicant(world), until=7)
    entry = ledger_submit(applicant=a, year=2023, actor=world.users.secretary, today=TODAY)
    before = version(a)
    review_decide(entry=entry, tier=1, verdict="return", reason="补充材料", actor=world.users.secretary,
                  version=entry.version, decided_on=D(2023, 4, 5), today=TODAY)  # fmt: skip
    assert version(a) > before


def test_the_ledger_reimport_bumps_the_version(world, tmp_path):
    from .test_ledger_import import full, row, run, write

    first = row()
    run(write(tmp_path, [first]))
    a = Applicant.objects.get(id_number=first["公民身份号码"])
    before = version(a)
    run(write(tmp_path, [{**full(), "公民身份号码": first["公民身份号码"]}]))
    assert version(a) > before


def test_the_person_page_shows_a_new_step_at_once_through_the_cache(world, client_for):
    from django.urls import reverse

    a = advance(world, new_applicant(world), until=2)
    client = client_for(world.users.secretary)
    url = reverse("applicants:detail", args=[a.pk])
    assert "推荐和确定入党积极分子" in client.get(url).content.decode()
    client.get(url)  # cached now
    attempt(world, a, 3, D(2022, 4, 1))
    page = client.get(url).content.decode()
    assert "下一步：第4步" in page and "完成第3步" in page
