"""Findings: recorded by the inspector, fixed by the branch (note, optional material into 一人一档),
closed or reopened by the inspector; every move is an event naming who made it; scope and roles."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from applicants.models import Material
from inspections import services
from inspections.models import FindingAction, FindingCategory, FindingItem, FindingStatus
from inspections.selectors import findings_for
from recruitment.errors import DomainError
from tests.clock import TODAY

from .helpers import admitted, draw

D = dt.date


def pdf():
    return SimpleUploadedFile("补签.pdf", b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def finding(world):
    admitted(world, 3)
    item = draw(world, size=1, seed=3)[0].items.get()
    return services.finding_record(
        item=item,
        category=FindingCategory.SIGNATURE,
        description="入党志愿书缺介绍人签字",
        deadline=TODAY + dt.timedelta(days=30),
        step=14,
        material="入党志愿书",
        actor=world.users.inspector,
    )


def actions(f):
    return [(e.action, e.actor.username) for e in f.events.order_by("at", "pk")]


def test_open_fixed_closed(world, finding):
    assert finding.status == FindingStatus.OPEN and finding.item.checked_at is None  # the row before the update
    finding.item.refresh_from_db()
    assert finding.item.checked_by == world.users.inspector  # recording a finding marks the archive checked
    f = services.finding_fix(finding=finding, note="已由介绍人补签", actor=world.users.secretary, version=0)
    assert f.status == FindingStatus.FIXED
    f = services.finding_close(finding=f, note="核验无误", actor=world.users.inspector, version=f.version)
    assert f.status == FindingStatus.CLOSED
    assert actions(f) == [("create", "insp"), ("fix", "sec_a1"), ("close", "insp")]


def test_fixed_is_reopened_with_a_reason_and_fixed_again(world, finding):
    f = services.finding_fix(finding=finding, note="已补签", actor=world.users.secretary)
    with pytest.raises(DomainError, match="退回重改须写明原因"):
        services.finding_reopen(finding=f, note=" ", actor=world.users.inspector)
    f = services.finding_reopen(finding=f, note="签字仍不全", actor=world.users.inspector)
    assert f.status == FindingStatus.OPEN
    assert f.events.last().action == FindingAction.REOPEN and f.events.last().note == "签字仍不全"
    f = services.finding_fix(finding=f, note="两名介绍人均已签字", actor=world.users.secretary)
    assert f.status == FindingStatus.FIXED


def test_an_open_finding_cannot_be_closed_and_a_fixed_one_not_fixed_again(world, finding):
    with pytest.raises(DomainError, match="支部登记整改后才能核验"):
        services.finding_close(finding=finding, actor=world.users.inspector)
    services.finding_fix(finding=finding, note="已补签", actor=world.users.secretary)
    with pytest.raises(DomainError, match="不能再登记整改"):
        services.finding_fix(finding=finding, note="再补", actor=world.users.secretary)


def test_a_stale_version_is_refused_naming_who_moved_it(world, finding):
    services.finding_fix(finding=finding, note="已补签", actor=world.users.secretary, version=0)
    with pytest.raises(DomainError, match="sec_a1已整改|已整改"):
        services.finding_close(finding=finding, actor=world.users.inspector, version=0)


def test_a_fix_needs_a_note(world, finding):
    with pytest.raises(DomainError, match="请填写整改说明"):
        services.finding_fix(finding=finding, note="", actor=world.users.secretary)


def test_the_branch_cannot_close_its_own_finding(world, finding):
    services.finding_fix(finding=finding, note="已补签", actor=world.users.secretary)
    with pytest.raises(PermissionDenied):
        services.finding_close(finding=finding, actor=world.users.secretary)
    with pytest.raises(PermissionDenied):
        services.finding_reopen(finding=finding, note="x", actor=world.users.committee)


def test_the_inspector_cannot_fix(world, finding):
    with pytest.raises(PermissionDenied):
        services.finding_fix(finding=finding, note="x", actor=world.users.inspector)


def test_another_branch_cannot_fix(world, finding):
    with pytest.raises(PermissionDenied):
        services.finding_fix(finding=finding, note="x", actor=world.users.secretary_b)


def test_a_fix_with_a_file_puts_it_in_the_archive(world, finding):
    f = services.finding_fix(finding=finding, note="补传签字页", file=pdf(), actor=world.users.secretary)
    m = Material.objects.get(applicant=f.applicant)
    assert (m.step, m.kind, m.uploaded_by) == (14, "入党志愿书", world.users.secretary)
    assert f.events.last().material == m


def test_the_finding_form_refuses_a_past_deadline_and_a_blank_description(world):
    admitted(world, 1)
    item = draw(world, size=1)[0].items.get()
    kwargs = dict(item=item, category="date", actor=world.users.inspector)
    with pytest.raises(DomainError, match="整改期限不能早于今天"):
        services.finding_record(description="日期", deadline=TODAY - dt.timedelta(days=1), **kwargs)
    with pytest.raises(DomainError, match="请填写问题描述"):
        services.finding_record(description="  ", deadline=TODAY, **kwargs)
    assert services.finding_record(description="日期", deadline=TODAY, **kwargs).deadline == TODAY


def test_each_sees_the_findings_of_its_subtree_only(world, finding):
    admitted(world, 1, branch=world.b1, prefix="乙")
    item_b = draw(world, townships=[world.b], size=1)[0].items.get()
    other = services.finding_record(
        item=item_b, category="other", description="其他", deadline=TODAY, actor=world.users.inspector
    )
    seen = lambda who: set(findings_for(user=getattr(world.users, who), status="all"))  # noqa: E731
    assert seen("secretary") == seen("committee") == {finding}
    assert seen("secretary_b") == seen("committee_b") == {other}
    assert seen("inspector") == seen("department") == {finding, other}


def test_overdue_is_open_past_its_deadline(world, finding):
    FindingItem.objects.filter(pk=finding.pk).update(deadline=TODAY - dt.timedelta(days=1))
    finding.refresh_from_db()
    assert finding.is_overdue(TODAY) and not finding.is_overdue(TODAY - dt.timedelta(days=1))
    services.finding_fix(finding=finding, note="已补", actor=world.users.secretary)
    finding.refresh_from_db()
    assert not finding.is_overdue(TODAY)  # fixed: waiting for the inspector, not the branch


def test_the_findings_page_is_cached_until_a_finding_moves(world, finding, client_for):
    """Issue 14: the list is one cached body keyed by the scope's change mark; a finding fixed (a write of
    a finding, which hangs on its person) shows at once."""
    client = client_for(world.users.secretary)
    first = client.get("/inspections/findings/").content.decode()
    assert "入党志愿书缺介绍人签字" in first
    assert client.get("/inspections/findings/").content.decode().count("待整改") == first.count("待整改")
    services.finding_fix(finding=finding, note="已由介绍人补签", actor=world.users.secretary, version=0)
    fresh = client.get("/inspections/findings/").content.decode()
    assert fresh != first
