"""Personal data: ID numbers masked where the user did not open the person (one helper,
recruitment.idcard.mask_id_number); the access log of who viewed, downloaded or exported a person's
data, and its page for department staff."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from applicants.models import AccessKind, AccessLog
from applicants.services import access_record
from recruitment.http import client_ip
from recruitment.idcard import mask_id_number
from tests.applicants.people import new_applicant

from . import files


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("610581199503100012", "6105**********0012"),
        ("61058119950310001X", "6105**********001X"),
        ("", ""),
        (None, ""),
        ("12345", "*****"),
        ("123456789", "1234**********6789"),
    ],
)
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


def test_client_ip_reads_the_proxys_header_only_when_configured(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(request) == "127.0.0.1"
    settings.REAL_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="not an address")) is None


def test_the_ledger_export_keeps_full_numbers_for_the_importing_roles_and_is_logged(world, client_for):
    """The 台账 is the import's own format: re-import keys on the full number. It is for the roles that
    import, and each download is a line of the log (no one person: applicant empty)."""
    a = new_applicant(world)
    assert client_for(world.users.inspector).get(reverse("ledger:export")).status_code == 403
    response = client_for(world.users.committee).get(reverse("ledger:export"), {"format": "csv"})
    assert a.id_number in response.content.decode("utf-8-sig")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.kind, entry.applicant) == (world.users.committee, AccessKind.EXPORT, None)
    assert entry.what.startswith("台账导出（含完整公民身份号码）：ledger-all-") and "1 人，范围 全部" in entry.what


def test_the_export_command_is_logged_too(world, tmp_path):
    new_applicant(world)
    call_command("export_ledger", str(tmp_path / "台账.xlsx"), "--org", "A", stdout=io.StringIO())
    entry = AccessLog.objects.get()
    assert entry.user is None and entry.kind == AccessKind.EXPORT and "1 人，范围 A" in entry.what


def test_opinion_files_and_the_archive_zip_are_logged(world, client_for, make_candidate):
    from reviews.models import ReviewDepartment
    from reviews.services import opinion_record
    from tests.clock import TODAY
    from tests.reviews.conftest import ON

    a = make_candidate(until=5)
    o = opinion_record(
        department=ReviewDepartment.objects.first(), verdict="agree", opinion="", given_on=ON,
        actor=world.users.committee, applicant=a, purpose="joint", file=files.upload("公安意见.png", files.PNG),
        today=TODAY,
    )  # fmt: skip
    client = client_for(world.users.department)
    got = client.get(reverse("reviews:opinion_file", args=[a.pk, "department", o.pk]))
    assert got["Content-Type"] == "image/png" and "attachment" in got["Content-Disposition"]
    client.get(reverse("applicants:archive_zip", args=[a.pk]))
    assert list(AccessLog.objects.order_by("id").values_list("kind", "applicant", "what")) == [
        ("download", a.pk, f"意见文件：{o.department.name}（公安意见.png）"),
        ("export", a.pk, "一人一档 zip（0 个文件，含完整公民身份号码）"),
    ]


def test_a_refused_look_writes_nothing(world, client_for):
    a = new_applicant(world)
    assert client_for(world.users.secretary_b).get(reverse("applicants:detail", args=[a.pk])).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.fixture
def logged(world):
    ann, bob = (
        new_applicant(world, name="安娜"),
        new_applicant(world, name="鲍勃", branch=world.b1, actor=world.users.secretary_b),
    )
    rows = [
        (world.users.secretary, AccessKind.VIEW, ann, dt.datetime(2026, 11, 1, 9, 0)),
        (world.users.committee, AccessKind.DOWNLOAD, ann, dt.datetime(2026, 11, 10, 9, 0)),
        (world.users.committee_b, AccessKind.VIEW, bob, dt.datetime(2026, 11, 20, 9, 0)),
    ]
    from django.utils import timezone

    for user, kind, person, at in rows:
        entry = access_record(actor=user, kind=kind, what="人员页面", applicant=person, ip="10.0.0.1")
        AccessLog.objects.filter(pk=entry.pk).update(at=timezone.make_aware(at))
    return ann, bob


def _names(response) -> list[str]:
    return [e.applicant.name for e in response.context["page"]]


def test_the_log_page_filters_by_user_person_kind_and_date(world, client_for, logged):
    client = client_for(world.users.department)
    url = reverse("applicants:access_log")
    assert _names(client.get(url)) == ["鲍勃", "安娜", "安娜"]  # newest first
    assert _names(client.get(url, {"user": "comm_"})) == ["鲍勃", "安娜"]
    assert _names(client.get(url, {"person": "安娜"})) == ["安娜", "安娜"]
    assert _names(client.get(url, {"person": logged[1].id_number[-6:]})) == ["鲍勃"]
    assert _names(client.get(url, {"kind": "download"})) == ["安娜"]
    assert _names(client.get(url, {"date_from": "2026-11-05", "date_to": "2026-11-15"})) == ["安娜"]
    assert _names(client.get(url, {"date_from": "2026-02-30", "page": "x", "kind": "?"})) == ["鲍勃", "安娜", "安娜"]
    html = client.get(url).content.decode()
    assert "个人信息访问记录" in html and "查看人员信息" in html and "10.0.0.1" in html


def test_the_log_page_is_paginated(world, client_for):
    a = new_applicant(world)
    AccessLog.objects.bulk_create(
        [AccessLog(user=world.users.secretary, kind="view", applicant=a, what=f"第{i}次") for i in range(120)]
    )
    response = client_for(world.users.department).get(reverse("applicants:access_log"), {"page": 3})
    assert len(response.context["page"].object_list) == 20 and "第 3 / 3 页，共 120 条" in response.content.decode()


def test_the_log_page_and_its_menu_entry_are_for_department_staff_only(world, client_for, logged):
    url = reverse("applicants:access_log")
    for who in ("secretary", "committee", "inspector"):
        client = client_for(getattr(world.users, who))
        assert client.get(url).status_code == 403, who
        assert url not in client.get(reverse("home")).content.decode(), who
    client = client_for(world.users.department)
    assert url in client.get(reverse("home")).content.decode()


def test_the_log_is_scoped_like_everything_else(world, logged):
    from django.contrib.auth import get_user_model

    from recruitment.models import Role

    staff_of_a = get_user_model().objects.create(username="dept_a", role=Role.DEPARTMENT_STAFF, organization=world.a)
    seen = {e.applicant.name for e in AccessLog.objects.visible_to(staff_of_a)}
    assert seen == {"安娜"}
    export = access_record(actor=world.users.committee_b, kind=AccessKind.EXPORT, what="台账导出")
    assert export not in AccessLog.objects.visible_to(staff_of_a)
    assert export in AccessLog.objects.visible_to(world.users.department)
