"""Issue 15's small items: a bad ``?year=`` is said so in Chinese; library and Django stock messages
come out plain (no "File is not a zip file", no "确保该变量包含不超过…"); every paginated list has a
page jump that works without JavaScript; the demo seeding tells what it is doing."""

import datetime as dt
import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.models import Material
from recruitment.tabular import NOT_XLSX, TableError, read_table

from ..applicants.people import new_applicant
from ..security import files

YEAR_PAGES = [
    ("department", "quotas:dashboard"),
    ("department", "quotas:plans"),
    ("department", "quotas:rules"),
    ("department", "recruitment:calendar"),
    ("secretary", "reviews:ledger_submit"),
    ("secretary", "reviews:ledger"),
]


@pytest.mark.parametrize(("who", "url"), YEAR_PAGES)
@pytest.mark.parametrize("bad", ["abc", "1999", "2101", "20261", "-5"])
def test_a_bad_year_is_said_so_in_chinese_and_this_year_is_shown(world, client_for, who, url, bad):
    response = client_for(getattr(world.users, who)).get(reverse(url), {"year": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"年份无效：“{bad}”" in page and "2000—2100" in page and "下面显示的是 2026 年" in page


@pytest.mark.parametrize(("who", "url"), YEAR_PAGES)
@pytest.mark.parametrize("good", ["2000", "2026", "2100", ""])
def test_a_year_in_range_or_none_gives_no_message(world, client_for, who, url, good):
    page = client_for(getattr(world.users, who)).get(reverse(url), {"year": good}).content.decode()
    assert "年份无效" not in page


def test_a_file_that_is_not_xlsx_is_explained_plainly():
    with pytest.raises(TableError) as exc:
        read_table(io.BytesIO(b"this is not a zip"), filename="台账.xlsx")
    assert str(exc.value) == NOT_XLSX
    assert "zip" not in str(exc.value) and "另存为" in str(exc.value) and "WPS" in str(exc.value)


def test_the_ledger_upload_page_shows_the_plain_excel_message(world, client_for):
    client = client_for(world.users.secretary)
    response = client.post(
        reverse("ledger:import"),
        {"file": SimpleUploadedFile("台账.xlsx", b"PK-not-really", "application/octet-stream")},
    )
    page = response.content.decode()
    assert "文件不是有效的 .xlsx 格式" in page and "File is not a zip file" not in page


class _Short(forms.Form):
    note = forms.CharField(max_length=50)
    code = forms.CharField(min_length=3)
    count = forms.IntegerField(max_value=10, min_value=1)


def test_django_stock_length_and_range_messages_are_plain():
    form = _Short({"note": "字" * 51, "code": "ab", "count": "11"})
    assert not form.is_valid()
    assert form.errors["note"] == ["不能超过 50 个字（现有 51 个）"]
    assert form.errors["code"] == ["不能少于 3 个字（现有 2 个）"]
    assert form.errors["count"] == ["不能大于 10"]
    assert _Short({"note": "", "code": "abc", "count": "0"}).errors["count"] == ["不能小于 1"]


def test_a_real_form_shows_the_plain_length_message(world, client_for):
    response = client_for(world.users.department).post(
        reverse("recruitment:calendar"),
        {"action": "add", "day-date": "2026-12-01", "day-kind": "holiday", "day-note": "节" * 51},
    )
    page = response.content.decode()
    assert "不能超过 50 个字（现有 51 个）" in page and "确保该变量" not in page


def test_paginated_lists_offer_a_page_jump_that_keeps_the_filters(world, client_for):
    for n in range(51):
        new_applicant(world, applied=dt.date(2022, 1, 10), name=f"翻页{n:02d}")
    client = client_for(world.users.secretary)
    page = client.get(reverse("applicants:list"), {"q": "翻页"}).content.decode()
    assert 'name="page"' in page and "跳转" in page and 'max="2"' in page
    assert '<input type="hidden" name="q" value="翻页">' in page
    second = client.get(reverse("applicants:list"), {"q": "翻页", "page": "2"}).content.decode()
    assert "第 2 / 2 页" in second
    assert "第 2 / 2 页" in client.get(reverse("applicants:list"), {"q": "翻页", "page": "99"}).content.decode()


def test_a_material_can_come_from_the_phone_camera_input(world, client_for):
    a = new_applicant(world, applied=dt.date(2022, 1, 10))
    client = client_for(world.users.secretary)
    page = client.get(reverse("applicants:archive", args=[a.pk])).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*,application/pdf' in page
    response = client.post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 1, "material-kind": "入党申请书", "material-photo": SimpleUploadedFile("p.jpg", files.JPEG)},
    )
    assert response.status_code == 302
    assert Material.objects.get().original_name == "p.jpg"


def test_a_material_upload_without_a_file_asks_for_one(world, client_for):
    a = new_applicant(world, applied=dt.date(2022, 1, 10))
    response = client_for(world.users.secretary).post(
        reverse("applicants:material_upload", args=[a.pk]), {"material-step": 1, "material-kind": "入党申请书"}
    )
    assert response.status_code == 200 and "请选择要上传的文件，或用手机拍照" in response.content.decode()
    assert not Material.objects.exists()


def test_a_disguised_photo_is_still_refused_by_its_content(world, client_for):
    a = new_applicant(world, applied=dt.date(2022, 1, 10))
    response = client_for(world.users.secretary).post(
        reverse("applicants:material_upload", args=[a.pk]),
        {"material-step": 1, "material-kind": "入党申请书", "material-photo": SimpleUploadedFile("p.jpg", b"MZ")},
    )
    assert response.status_code == 200 and not Material.objects.exists()
