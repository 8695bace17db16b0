"""Findings of the outside probe of 2026-11-30 (issue 12) about uploaded files and personal data, one
test each; every docstring says what the code did before. The services and pages built for them are
tested beside this file (test_uploads, test_protected_media, test_material_withdrawal, test_access_log,
test_ledger_uploads)."""

import io
import os
import re
import time
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import Material
from applicants.services import material_upload
from recruitment.errors import DomainError
from reviews.models import DepartmentOpinion, ReviewDepartment
from tests.applicants.people import new_applicant
from tests.clock import TODAY
from tests.reviews.conftest import ON

from . import files


def test_stored_files_have_random_names_and_download_only_through_scoped_pages(
    world, client, client_for, make_candidate
):
    """Before: a material was stored at archive/<applicant id>/<step>/<original name> and an opinion at
    reviews/<applicant id>/<original name>, so a path could be guessed (and `make run` served /media/)."""
    from reviews.services import opinion_record

    a = make_candidate(until=5)
    m = material_upload(
        applicant=a, step=1, kind="入党申请书", file=files.upload("申请书.pdf", files.PDF), actor=world.users.secretary
    )
    o = opinion_record(
        department=ReviewDepartment.objects.first(), verdict="agree", opinion="", given_on=ON,
        actor=world.users.committee, applicant=a, purpose="joint", file=files.upload("纪委意见.pdf", files.PDF),
        today=TODAY,
    )  # fmt: skip
    assert re.fullmatch(r"archive/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", m.file.name), m.file.name
    assert re.fullmatch(r"reviews/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", o.file.name), o.file.name
    assert str(a.pk) not in m.file.name.split("/")[:2] and "申请书" not in m.file.name
    assert (m.original_name, o.original_name) == ("申请书.pdf", "纪委意见.pdf")
    assert default_storage.exists(m.file.name) and default_storage.exists(o.file.name)
    assert client.get(f"/media/{m.file.name}").status_code == 404  # no public location
    material_url = reverse("applicants:material_download", args=[a.pk, m.pk])
    opinion_url = reverse("reviews:opinion_file", args=[a.pk, "department", o.pk])
    assert client.get(material_url).status_code == 302  # login first
    assert client_for(world.users.secretary_b).get(material_url).status_code == 404  # outside the subtree
    assert client_for(world.users.committee_b).get(opinion_url).status_code == 404
    got = client_for(world.users.secretary).get(opinion_url)
    assert got.status_code == 200 and "filename*=utf-8''%E7%BA%AA%E5%A7%94" in got["Content-Disposition"]


def test_an_html_opinion_file_is_refused_and_nothing_is_recorded(world, client_for, make_candidate):
    """Before: POST /reviews/applicants/<id>/joint/ with opinion.html recorded the opinion and stored the
    page, which was then served from the application's origin (stored XSS)."""
    a = make_candidate(until=5)
    response = client_for(world.users.committee).post(
        reverse("reviews:joint_opinion", args=[a.pk]),
        {
            "department": ReviewDepartment.objects.first().pk, "verdict": "agree", "given_on": ON.isoformat(),
            "opinion": "", "file": files.upload("opinion.html", files.HTML, "text/html"),
        },
        follow=True,
    )  # fmt: skip
    assert "只支持以下格式：PDF、JPEG、PNG、OFD" in response.content.decode()
    assert not DepartmentOpinion.objects.exists()
    # the same page renamed .pdf: refused by its content
    renamed = client_for(world.users.committee).post(
        reverse("reviews:joint_opinion", args=[a.pk]),
        {
            "department": ReviewDepartment.objects.first().pk, "verdict": "agree", "given_on": ON.isoformat(),
            "opinion": "", "file": files.upload("opinion.pdf", files.HTML, "application/pdf"),
        },
        follow=True,
    )  # fmt: skip
    assert "“opinion.pdf”的内容不是 PDF" in renamed.content.decode() and not DepartmentOpinion.objects.exists()


def test_a_60_mb_exe_is_not_an_opinion_file(world, make_candidate):
    """Before: a 60 MB .exe was accepted as a 户籍所在地 or department opinion file (no type or size check)."""
    import pytest

    from reviews.services import household_opinion_record

    a = make_candidate(until=5)
    exe = files.upload("意见.exe", files.EXE + bytes(60 * 1024 * 1024))
    with pytest.raises(DomainError) as exc:
        household_opinion_record(
            applicant=a, organization_name="东王村党支部", verdict="agree", opinion="", given_on=ON,
            actor=world.users.secretary, file=exe, today=TODAY,
        )  # fmt: skip
    assert "意见文件单个文件不能超过 10 MB（“意见.exe”为 60.0 MB）" in str(exc.value)
    assert not a.household_opinions.exists()


def test_a_material_is_judged_by_its_content_not_its_extension(world, client_for):
    """Before: material upload checked the extension only, so an HTML page named .pdf was stored."""
    a = new_applicant(world)
    response = client_for(world.users.secretary).post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 1, "material-kind": "入党申请书", "material-file": files.upload("申请书.pdf", files.HTML)},
    )
    assert response.status_code == 200
    assert "“申请书.pdf”的内容不是 PDF" in response.content.decode() and not Material.objects.exists()


def test_zip_entries_cannot_leave_their_folder(world, client_for):
    """Before: the archive zip named entries ``<step folder>/<material name>_<original name>`` from what the
    uploader typed, so ``../../etc/passwd.pdf`` (or a material name with ``../``) escaped the folder on
    extraction and ``..\\x.pdf`` did on Windows."""
    a = new_applicant(world)
    client = client_for(world.users.secretary)

    def entries() -> list[str]:
        response = client.get(reverse("applicants:archive_zip", args=[a.pk]))
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        for name in names:
            parts = name.split("/")
            assert ".." not in parts and "\\" not in name and not name.startswith("/") and len(parts) <= 2, name
            assert not any(ord(ch) < 32 for ch in name), name
        return sorted(n for n in names if not n.startswith("index."))

    for raw in ("../../etc/passwd.pdf", "..\\x.pdf", "../../etc/passwd.pdf"):
        m = material_upload(
            applicant=a, step=1, kind="入党申请书", file=files.upload("ok.pdf", files.PDF), actor=world.users.secretary
        )
        Material.objects.filter(pk=m.pk).update(original_name=raw)  # as a client other than the browser can send
    assert entries() == [
        "01_递交入党申请书/入党申请书_passwd(2).pdf",
        "01_递交入党申请书/入党申请书_passwd.pdf",
        "01_递交入党申请书/入党申请书_x.pdf",
    ]
    m = material_upload(applicant=a, step=1, kind="其他", file=files.upload("证明.pdf", files.PDF), actor=None)
    Material.objects.filter(pk=m.pk).update(kind="../../../tmp/扫描\x07件")  # a material name typed with a path
    assert entries()[-1] == "01_递交入党申请书/扫描件_证明.pdf"


def test_ledger_upload_temp_files_do_not_stay(world, client_for, tmp_path, settings):
    """Before: every ledger upload was written to a temp file that only a confirm removed; an abandoned
    preview, a cancelled one or one with nothing to import stayed on disk for ever."""
    from applicants.ledger_views import upload_dir
    from tests.applicants.test_ledger_import import row
    from tests.applicants.test_ledger_views import upload

    settings.LEDGER_UPLOAD_DIR = tmp_path / "waiting"
    client = client_for(world.users.secretary)
    first = upload(client, tmp_path, [row()]).context["token"]
    waiting = upload_dir() / first
    assert waiting.is_file()
    two_days_ago = time.time() - 2 * 86400
    os.utime(waiting, (two_days_ago, two_days_ago))  # abandoned two days ago
    second = upload(client, tmp_path, [row()]).context["token"]
    assert not waiting.exists() and (upload_dir() / second).is_file()
    client.post(reverse("ledger:cancel"), {"token": second})
    assert list(upload_dir().iterdir()) == []


def test_no_one_can_hard_delete_evidence_in_the_admin(world, client):
    """Before: a superuser could delete a material in the admin (its file stayed on disk, no history)."""
    a = new_applicant(world)
    m = material_upload(
        applicant=a, step=1, kind="入党申请书", file=files.upload("申请书.pdf", files.PDF), actor=world.users.secretary
    )
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    assert client.get(reverse("admin:applicants_material_delete", args=[m.pk])).status_code == 403
    assert client.post(reverse("admin:applicants_material_delete", args=[m.pk]), {"post": "yes"}).status_code == 403
    changelist = client.post(
        reverse("admin:applicants_material_changelist"), {"action": "delete_selected", "_selected_action": [m.pk]}
    )
    assert changelist.status_code in (200, 302) and Material.objects.filter(pk=m.pk).exists()
    assert default_storage.exists(m.file.name)


def test_id_numbers_are_masked_in_lists_and_every_view_of_a_person_is_logged(world, client_for):
    """Before: the pipeline list's Excel export carried every full 公民身份号码, and nothing recorded who
    opened a person's page or downloaded their files."""
    a = new_applicant(world, name="王五")
    m = material_upload(
        applicant=a, step=1, kind="入党申请书", file=files.upload("申请书.pdf", files.PDF), actor=world.users.secretary
    )
    client = client_for(world.users.committee)
    export = client.get(reverse("applicants:list"), {"export": "xlsx", "status": ""})
    cells = [c for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in r]
    masked = f"{a.id_number[:4]}{'*' * 10}{a.id_number[-4:]}"
    assert masked in cells and a.id_number not in cells
    assert a.id_number in client.get(reverse("applicants:detail", args=[a.pk])).content.decode()  # opened: in full
    client.get(reverse("applicants:material_download", args=[a.pk, m.pk]), REMOTE_ADDR="10.1.2.3")
    from applicants.models import AccessLog

    log = list(AccessLog.objects.order_by("id").values_list("user__username", "kind", "applicant__name", "ip"))
    assert log == [("comm_a", "view", "王五", "127.0.0.1"), ("comm_a", "download", "王五", "10.1.2.3")]
    page = client_for(world.users.department).get(reverse("applicants:access_log")).content.decode()
    assert "王五" in page and "10.1.2.3" in page and "档案材料：第1步“入党申请书”（申请书.pdf）" in page
