"""Evidence is never deleted: a material put up by mistake is withdrawn or replaced with a reason and
history (applicants.services.material_withdraw / material_replace); no admin may delete evidence."""

import io
import zipfile

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse

from applicants.models import Event, Material
from applicants.selectors import applicant_archive
from applicants.services import material_replace, material_upload, material_withdraw
from recruitment.errors import DomainError
from tests.applicants.people import new_applicant

from . import files


@pytest.fixture
def person(world):
    return new_applicant(world, name="赵六")


@pytest.fixture
def material(world, person):
    return material_upload(
        applicant=person,
        step=1,
        kind="入党申请书",
        file=files.upload("申请书.pdf", files.PDF),
        actor=world.users.secretary,
    )


def test_withdraw_keeps_the_row_and_the_file_and_logs_who_and_why(world, person, material):
    assert applicant_archive(applicant=person).present_count == 1
    m = material_withdraw(material=material, reason="扫描件不清晰", actor=world.users.secretary)
    assert m.withdrawn_at and m.withdrawn_by == world.users.secretary and m.withdraw_reason == "扫描件不清晰"
    assert Material.objects.filter(pk=m.pk).exists() and default_storage.exists(m.file.name)
    event = Event.objects.filter(applicant=person, kind=Event.Kind.WITHDRAW).get()
    assert event.actor == world.users.secretary and event.step == 1
    assert event.message == "撤回第1步材料“入党申请书”：申请书.pdf。原因：扫描件不清晰"
    archive = applicant_archive(applicant=person)
    assert archive.present_count == 0 and ("入党申请书" in [k for _, k in archive.missing])
    assert archive.withdrawn_count == 1 and archive.file_count == 0
    assert list(Material.objects.current()) == []


def test_withdraw_needs_a_reason_is_keyword_only_and_happens_once(world, material):
    with pytest.raises(TypeError):
        material_withdraw(material, "原因", world.users.secretary)  # keyword-only
    with pytest.raises(DomainError) as exc:
        material_withdraw(material=material, reason="  ", actor=world.users.secretary)
    assert exc.value.rules == ["INPUT"] and "请填写撤回原因" in str(exc.value)
    material_withdraw(material=material, reason="重复上传", actor=world.users.secretary)
    with pytest.raises(DomainError) as exc:
        material_withdraw(material=material, reason="再撤一次", actor=world.users.committee)
    assert exc.value.rules == ["STATE"] and "已于" in str(exc.value) and "撤回" in str(exc.value)


def test_withdraw_is_for_writers_in_scope(world, material):
    with pytest.raises(PermissionDenied):
        material_withdraw(material=material, reason="越权", actor=world.users.secretary_b)
    with pytest.raises(PermissionDenied):
        material_withdraw(material=material, reason="只读", actor=world.users.inspector)
    material.refresh_from_db()
    assert material.withdrawn_at is None


def test_replace_withdraws_the_old_one_pointing_at_the_new(world, person, material):
    new = material_replace(
        material=material,
        file=files.upload("申请书（清晰）.pdf", files.PDF),
        reason="原件不清晰",
        actor=world.users.committee,
    )
    material.refresh_from_db()
    assert material.replaced_by == new and material.withdrawn_by == world.users.committee
    assert (new.step, new.kind, new.original_name, new.withdrawn_at) == (1, "入党申请书", "申请书（清晰）.pdf", None)
    assert applicant_archive(applicant=person).present_count == 1
    message = Event.objects.get(kind=Event.Kind.WITHDRAW).message
    assert message == "替换第1步材料“入党申请书”：申请书.pdf，新文件：申请书（清晰）.pdf。原因：原件不清晰"


def test_a_replacement_is_checked_like_any_upload(world, material):
    with pytest.raises(DomainError):
        material_replace(material=material, file=files.upload("x.pdf", files.HTML), reason="替换", actor=None)
    material.refresh_from_db()
    assert material.withdrawn_at is None and Material.objects.count() == 1


def test_the_archive_page_strikes_withdrawn_files_through_with_who_and_why(world, client_for, person, material):
    client = client_for(world.users.secretary)
    url = reverse("applicants:material_withdraw", args=[person.pk, material.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "上传错了人"}, follow=True)
    html = response.content.decode()
    assert "已撤回“申请书.pdf”（文件保留备查）" in html
    assert "<del>" in html and "原因：上传错了人" in html and "应有材料 0/1" in html and "已撤回 1 个文件" in html
    # still downloadable (history), but not in the zip
    download = client.get(reverse("applicants:material_download", args=[person.pk, material.pk]))
    assert download.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(client.get(reverse("applicants:archive_zip", args=[person.pk])).content))
    assert [n for n in zf.namelist() if not n.startswith("index.")] == []
    assert "已撤回：入党申请书_申请书.pdf" in zf.read("index.txt").decode()


def test_the_page_replaces_with_a_file_and_refuses_without_a_reason(world, client_for, person, material):
    client = client_for(world.users.secretary)
    url = reverse("applicants:material_withdraw", args=[person.pk, material.pk])
    refused = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "未能撤回“申请书.pdf”" in refused and Material.objects.current().count() == 1
    client.post(url, {"reason": "换成清晰件", "file": files.upload("清晰件.pdf", files.PDF)})
    assert list(Material.objects.current().values_list("original_name", flat=True)) == ["清晰件.pdf"]


def test_the_page_is_scoped_and_closed_to_the_inspector(world, client_for, person, material):
    url = reverse("applicants:material_withdraw", args=[person.pk, material.pk])
    assert client_for(world.users.secretary_b).post(url, {"reason": "x"}).status_code == 404
    assert client_for(world.users.inspector).post(url, {"reason": "x"}).status_code == 403
    page = client_for(world.users.inspector).get(reverse("applicants:archive", args=[person.pk])).content.decode()
    assert "撤回/替换" not in page
    other = new_applicant(world, name="他人")
    wrong = reverse("applicants:material_withdraw", args=[other.pk, material.pk])  # someone else's material
    assert client_for(world.users.secretary).post(wrong, {"reason": "x"}).status_code == 404
    material.refresh_from_db()
    assert material.withdrawn_at is None


EVIDENCE = [
    "applicants.Applicant",
    "applicants.Material",
    "applicants.Assessment",
    "applicants.Training",
    "applicants.AccessLog",
    "reviews.LedgerEntry",
    "reviews.DepartmentOpinion",
    "reviews.HouseholdOpinion",
    "reviews.CadreRelativeApproval",
    "reviews.NegativeListCheck",
    "reviews.NegativeListHit",
    "reviews.ReviewDepartment",
    "reviews.NegativeListItem",
]


@pytest.mark.parametrize("label", EVIDENCE)
def test_no_admin_may_delete_evidence(db, label):
    from django.apps import apps

    model = apps.get_model(label)
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(username="root", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_delete_permission(request)


def test_step_records_and_events_have_no_admin_of_their_own(db):
    from applicants.models import Event, StepRecord
    from reviews.models import ReviewDecision

    assert not {Event, StepRecord, ReviewDecision} & set(admin.site._registry)  # shown read-only inline only


def test_the_material_admin_is_read_only_and_links_no_file(world, client, material):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    page = client.get(reverse("admin:applicants_material_change", args=[material.pk])).content.decode()
    assert "申请书.pdf" in page and material.file.name not in page and "/media/" not in page
    assert client.get(reverse("admin:applicants_material_add")).status_code == 403
