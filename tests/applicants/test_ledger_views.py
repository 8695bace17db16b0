"""Ledger pages: upload → preview (nothing written) → confirm; scope; export; roles."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.ledger import LEDGER_HEADER, REQUIRED_HEADER
from applicants.models import Applicant, Event
from recruitment.idcard import make_id_number
from recruitment.tabular import read_table

from .test_ledger_import import row, write

D = dt.date


def upload(client, tmp_path, rows):
    path = write(tmp_path, rows)
    return client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("台账.csv", path.read_bytes(), "text/csv")}
    )


def test_preview_shows_each_row_with_its_errors_and_writes_nothing(world, client_for, tmp_path):
    client = client_for(world.users.secretary)
    rows = [
        row(),
        row(党组织编码="B1", 公民身份号码=make_id_number(D(1991, 1, 1), "男"), birth=D(1991, 1, 1)),
        row(谈话日期="2022-03-01", 公民身份号码=make_id_number(D(1992, 1, 1), "男"), birth=D(1992, 1, 1)),
    ]
    resp = upload(client, tmp_path, rows)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "不在您的管辖范围内" in html and "table-danger" in html and "table-success" in html
    assert "R2 细则（2014）第七条" in html and "确认导入 2 行有效数据" in html
    assert not Applicant.objects.exists() and not Event.objects.exists()


def test_confirm_imports_the_valid_rows_attributed_to_the_user(world, client_for, tmp_path):
    client = client_for(world.users.secretary)
    rows = [row(), row(党组织编码="B1", 公民身份号码=make_id_number(D(1991, 1, 1), "男"), birth=D(1991, 1, 1))]
    token = upload(client, tmp_path, rows).context["token"]
    resp = client.post(reverse("ledger:confirm"), {"token": token}, follow=True)
    assert resp.status_code == 200 and "导入完成：新建 1 人" in resp.content.decode()
    a = Applicant.objects.get()
    assert a.branch == world.a1 and a.created_by == world.users.secretary
    # the token is spent: a second confirm imports nothing twice
    resp = client.post(reverse("ledger:confirm"), {"token": token}, follow=True)
    assert "已失效" in resp.content.decode() and Applicant.objects.count() == 1


def test_a_token_from_another_session_is_refused(world, client_for, tmp_path):
    token = upload(client_for(world.users.secretary), tmp_path, [row()]).context["token"]
    from django.test import Client

    other = Client()
    other.force_login(world.users.committee)
    resp = other.post(reverse("ledger:confirm"), {"token": token}, follow=True)
    assert "已失效" in resp.content.decode() and not Applicant.objects.exists()


def test_a_wrong_header_is_shown_as_a_form_error(world, client_for, tmp_path):
    client = client_for(world.users.committee)
    path = write(tmp_path, [row()], header=REQUIRED_HEADER[:-2])
    resp = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("x.csv", path.read_bytes())})
    assert resp.status_code == 200 and "表头缺少列" in resp.content.decode()


@pytest.mark.parametrize(
    "username, status", [("inspector", 403), ("secretary", 200), ("committee", 200), ("department", 200)]
)
def test_only_secretaries_and_staff_may_import(world, client_for, username, status):
    resp = client_for(getattr(world.users, username)).get(reverse("ledger:import"))
    assert resp.status_code == status


def test_export_contains_only_the_users_subtree(world, client_for, tmp_path):
    from .pipeline import new_applicant

    new_applicant(world, name="甲村人")
    from applicants.services import applicant_create

    applicant_create(
        actor=world.users.secretary_b,
        branch=world.b1,
        applied_on=D(2022, 1, 1),
        today=D(2026, 1, 1),
        name="乙公司人",
        gender="女",
        birth_date=D(1990, 1, 1),
        id_number=make_id_number(D(1990, 1, 1), "女"),
        education="高中",
        occupation="工人",
    )
    resp = client_for(world.users.secretary).get(reverse("ledger:export") + "?format=xlsx")
    table = read_table(io.BytesIO(resp.content), filename="x.xlsx", expected_header=LEDGER_HEADER)
    assert [c["姓名"] for _, c in table.rows] == ["甲村人"]
    assert client_for(world.users.secretary).get(reverse("ledger:export") + "?org=B1").status_code == 404
