"""党员名册 export: the list's filters and the user's scope, as an Excel file."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from recruitment import views


def rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_export_follows_the_filters_and_the_scope(world, client_for):
    secretary = client_for(world.users.secretary)
    table = rows(secretary.get(reverse("recruitment:member_list"), {"export": "xlsx"}))
    assert table[0] == views.MEMBER_EXPORT_HEADER
    names = {r[0] for r in table[1:]}
    assert {"党员甲", "预备丁", "察看戊"} <= names and "党员己" not in names  # 党员己 is in another branch
    watched = dict(zip(table[0], next(r for r in table[1:] if r[0] == "察看戊"), strict=True))
    assert watched["留党察看"] == "是" and watched["所在党支部"] == world.a1.name and watched["党组织编码"] == "A1"
    # a branch secretary imports no members: the ID number is masked (full for the importing staff)
    assert (
        watched["公民身份号码"] == world.members.watched.id_number[:4] + "*" * 10 + world.members.watched.id_number[-4:]
    )
    only = rows(
        client_for(world.users.department).get(reverse("recruitment:member_list"), {"q": "预备", "export": "xlsx"})
    )
    assert [r[0] for r in only[1:]] == ["预备丁"]


def test_too_large_an_export_asks_to_narrow_it(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "MEMBER_EXPORT_MAX", 2)
    response = client_for(world.users.department).get(
        reverse("recruitment:member_list"), {"export": "xlsx"}, follow=True
    )
    assert response.status_code == 200 and "请先按姓名、支部或类别缩小范围再导出" in response.content.decode()
