"""一人一档: checklist of expected materials, upload, download through the app, the zip."""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import Event, Material
from applicants.selectors import applicant_archive
from applicants.services import material_upload

from .people import new_applicant
from .test_full_pipeline import run_steps

D = dt.date


def pdf(name="扫描件.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_checklist_expects_materials_of_done_steps_only(world):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=3)
    material_upload(applicant=a, step=1, kind="入党申请书", file=pdf(), actor=world.users.secretary)
    arch = applicant_archive(applicant=a)
    assert len(arch.steps) == 25
    assert arch.steps[0].missing == [] and arch.steps[1].missing == ["谈话记录"]
    assert arch.steps[2].missing == ["推荐表", "支部委员会会议记录"]
    assert not arch.steps[3].applicable  # step 4 not done yet: nothing is missing there
    assert (arch.present_count, arch.expected_count) == (1, 4)
    assert [kind for _, kind in arch.missing] == ["谈话记录", "推荐表", "支部委员会会议记录"]


def test_extra_materials_are_listed_beside_the_expected_ones(world):
    a = new_applicant(world, applied=D(2022, 1, 10))
    material_upload(applicant=a, step=1, kind="其他佐证材料", file=pdf(), actor=world.users.secretary)
    slots = applicant_archive(applicant=a).steps[0].slots
    assert [(s.kind, s.expected, s.present) for s in slots] == [
        ("入党申请书", True, False),
        ("其他佐证材料", False, True),
    ]


def test_archive_page_shows_missing_and_uploaded(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=2)
    material_upload(applicant=a, step=1, kind="入党申请书", file=pdf("申请书.pdf"), actor=world.users.secretary)
    page = client_for(world.users.secretary).get(reverse("applicants:archive", args=[a.pk])).content.decode()
    assert "申请书.pdf" in page and "谈话记录" in page and "缺少" in page and "应有材料 1/2" in page
    assert reverse("applicants:material_download", args=[a.pk, Material.objects.get().pk]) in page
    assert "/media/" not in page


def test_upload_through_the_page_is_attributed(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    response = client_for(world.users.secretary).post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 1, "material-kind": "入党申请书", "material-file": pdf("申请书.pdf")},
    )
    assert response.status_code == 302
    m = Material.objects.get()
    assert m.uploaded_by == world.users.secretary and m.original_name == "申请书.pdf" and m.step == 1
    assert Event.objects.filter(applicant=a, kind="material", actor=world.users.secretary).exists()


def test_upload_of_an_unsupported_file_is_a_form_error(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    response = client_for(world.users.secretary).post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 1, "material-kind": "入党申请书", "material-file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 200 and "只支持以下格式" in response.content.decode()
    assert not Material.objects.exists()


def test_download_returns_the_file_with_its_original_name(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    m = material_upload(
        applicant=a, step=1, kind="入党申请书", file=pdf("申请书.pdf", b"%PDF-1.4 abc"), actor=world.users.secretary
    )
    response = client_for(world.users.inspector).get(reverse("applicants:material_download", args=[a.pk, m.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 abc"
    assert (
        "attachment" in response["Content-Disposition"]
        and "%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in response["Content-Disposition"]
    )


def test_zip_has_a_folder_per_step_and_an_index(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=3)
    one, two, talk = b"%PDF-1.4 one", b"%PDF-1.4 two", b"%PDF-1.4 talk"  # real PDFs: the content is checked
    material_upload(applicant=a, step=1, kind="入党申请书", file=pdf("申请书.pdf", one), actor=world.users.secretary)
    material_upload(applicant=a, step=1, kind="入党申请书", file=pdf("申请书.pdf", two), actor=world.users.secretary)
    material_upload(applicant=a, step=2, kind="谈话记录", file=pdf("谈话.pdf", talk), actor=world.users.secretary)
    response = client_for(world.users.secretary).get(reverse("applicants:archive_zip", args=[a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(zf.namelist())
    assert {
        "01_递交入党申请书/入党申请书_申请书.pdf",
        "01_递交入党申请书/入党申请书_申请书(2).pdf",
        "02_党组织派人谈话/谈话记录_谈话.pdf",
        "index.xlsx",
        "index.txt",
    } == names
    assert {
        zf.read("01_递交入党申请书/入党申请书_申请书.pdf"),
        zf.read("01_递交入党申请书/入党申请书_申请书(2).pdf"),
    } == {one, two}
    rows = list(load_workbook(io.BytesIO(zf.read("index.xlsx"))).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("步骤", "步骤名称", "办理日期") and len(rows) == 26
    step3 = rows[3]
    assert step3[0] == 3 and step3[2].date() == D(2022, 4, 1) and step3[8] == "推荐表、支部委员会会议记录"
    index = zf.read("index.txt").decode()
    assert "第02步 党组织派人谈话：2022-02-01" in index and "缺少：推荐表、支部委员会会议记录" in index
    assert "第04步 上级党委备案：未办理" in index


def test_upload_form_offers_the_first_missing_material_and_refuses_a_misfiled_one(world, client_for):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=3)
    client = client_for(world.users.secretary)
    page = client.get(reverse("applicants:archive", args=[a.pk])).content.decode()
    assert 'value="入党申请书"' in page  # step 1's application, not the current step's material
    wrong = client.post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 3, "material-kind": "入党申请书", "material-file": pdf()},
    )
    assert wrong.status_code == 200 and "“入党申请书”是第1步的材料，请选择第1步" in wrong.content.decode()
    assert not Material.objects.exists()
    other = client.post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 3, "material-kind": "其他佐证材料", "material-file": pdf()},
    )
    assert other.status_code == 302  # a material no step lists may go with any step
