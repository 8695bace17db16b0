"""Pages: who reaches which inspection page for an object in and out of scope; the draw form; the
archive page panel and home widget for the branch; the report and its export; constant query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import AccessLog
from inspections import services
from inspections.models import FindingItem, FindingStatus, SpotCheck
from recruitment.models import OrgLevel, Role
from tests.clock import TODAY
from tests.factories import OrganizationFactory, UserFactory

from .helpers import admitted, draw

ROLES = ("secretary", "committee", "department", "inspector", "committee_b", "secretary_b")


@pytest.fixture
def case(world):
    admitted(world, 2)
    check = draw(world, size=1, seed=11)[0]
    item = check.items.get()
    finding = services.finding_record(
        item=item,
        category="missing",
        description="缺谈话记录",
        deadline=TODAY + dt.timedelta(days=10),
        step=2,
        material="谈话记录",
        actor=world.users.inspector,
    )
    return check, item, finding


# url → (method, status for secretary, committee, department, inspector, committee_b, secretary_b)
OBJECT_PAGES = {
    "detail": ("get", 403, 200, 200, 200, 404, 403),
    "item": ("get", 403, 200, 200, 200, 404, 403),
    "item_checked": ("post", 403, 403, 302, 302, 403, 403),
    "finding_create": ("post", 403, 403, 302, 302, 403, 403),
    "finding_fix": ("post", 302, 302, 302, 403, 404, 404),
    "finding_close": ("post", 403, 403, 302, 302, 403, 403),
    "finding_reopen": ("post", 403, 403, 302, 302, 403, 403),
}


def _url(name, check, item, finding):
    if name.startswith("finding_") and name != "finding_create":
        return reverse(f"inspections:{name}", args=[finding.pk])
    if name == "detail":
        return reverse("inspections:detail", args=[check.pk])
    return reverse(f"inspections:{name}", args=[check.pk, item.pk])


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_who_reaches_which_inspection_object(world, case, client_for, name):
    method, *expected = OBJECT_PAGES[name]
    url = _url(name, *case)
    data = {
        "finding_create": {"category": "other", "description": "x", "deadline": "2026-12-31"},
        "finding_fix": {"note": "已整改"},
        "finding_reopen": {"note": "仍缺"},
    }.get(name, {})
    got = []
    for who in ROLES:
        c = client_for(getattr(world.users, who))
        got.append((c.post(url, data) if method == "post" else c.get(url)).status_code)
    assert got == expected


def test_another_county_sees_nothing_of_this_one(world, case, client_for):
    check, item, finding = case
    other = OrganizationFactory(code="ROOT2", name="另一县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    OrganizationFactory(code="T2", name="丙镇党委", level=OrgLevel.COMMITTEE, sector="", parent=other)
    c = client_for(UserFactory(username="insp2", role=Role.INSPECTOR, organization=other))
    assert c.get(reverse("inspections:detail", args=[check.pk])).status_code == 404
    assert c.get(reverse("inspections:item", args=[check.pk, item.pk])).status_code == 404
    assert c.post(reverse("inspections:finding_close", args=[finding.pk])).status_code == 404
    assert list(c.get(reverse("inspections:list")).context["checks"]) == []
    assert list(c.get(reverse("inspections:findings")).context["page"]) == []
    form = c.get(reverse("inspections:draw")).context["form"]
    assert [o.code for o in form.fields["townships"].queryset] == ["T2"]
    r = c.post(
        reverse("inspections:draw"), {"townships": [world.a.pk], "population": "admitted", "year": 2026, "size": 20}
    )
    assert r.status_code == 200 and not SpotCheck.objects.filter(drawn_by__username="insp2").exists()


def test_the_draw_form_draws_and_shows_the_sample(world, client_for):
    admitted(world, 3)
    c = client_for(world.users.inspector)
    r = c.post(
        reverse("inspections:draw"), {"townships": [world.a.pk], "population": "admitted", "year": 2026, "size": 20}
    )
    check = SpotCheck.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("inspections:detail", args=[check.pk])
    page = c.get(r["Location"]).content.decode()
    assert "不足设定数量，全部抽查" in page and "结果一致" in page and str(check.seed) in page


def test_the_draw_form_refuses_zero_in_chinese(world, client_for):
    c = client_for(world.users.inspector)
    r = c.post(
        reverse("inspections:draw"), {"townships": [world.a.pk], "population": "admitted", "year": 2026, "size": 0}
    )
    assert r.status_code == 200 and "抽查数量必须是正整数" in r.content.decode()


def test_the_item_page_shows_the_archive_checklist_beside_the_finding_form(world, case, client_for):
    check, item, _ = case
    page = client_for(world.users.inspector).get(reverse("inspections:item", args=[check.pk, item.pk]))
    html = page.content.decode()
    assert 'id="archive-checklist"' in html and 'id="finding-form"' in html and "缺谈话记录" in html
    html = client_for(world.users.committee).get(reverse("inspections:item", args=[check.pk, item.pk])).content.decode()
    assert 'id="archive-checklist"' in html and 'id="finding-form"' not in html  # staff read


def test_the_branch_sees_its_open_findings_on_the_archive_page_and_home(world, case, client_for):
    _, item, finding = case
    c = client_for(world.users.secretary)
    html = c.get(reverse("applicants:archive", args=[item.applicant_id])).content.decode()
    assert 'id="inspection-findings"' in html and "缺谈话记录" in html and "登记整改" in html
    home = c.get(reverse("home")).content.decode()
    assert "档案抽查整改" in home
    assert c.get(reverse("inspections:findings")).context["page"].object_list[0] == finding
    other = client_for(world.users.secretary_b)
    assert list(other.get(reverse("inspections:findings")).context["page"]) == []


def test_the_fix_form_then_the_inspector_closes(world, case, client_for):
    _, item, finding = case
    archive = reverse("applicants:archive", args=[item.applicant_id])
    r = client_for(world.users.secretary).post(
        reverse("inspections:finding_fix", args=[finding.pk]), {"note": "已补谈话记录", "version": 0, "next": archive}
    )
    assert r["Location"] == archive
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED
    client_for(world.users.inspector).post(reverse("inspections:finding_close", args=[finding.pk]), {"note": "核验"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    html = client_for(world.users.secretary).get(archive).content.decode()
    assert 'id="inspection-findings"' not in html  # closed findings leave the archive page


def test_an_offsite_next_is_ignored(world, case, client_for):
    r = client_for(world.users.secretary).post(
        reverse("inspections:finding_fix", args=[case[2].pk]), {"note": "x", "next": "//evil.example/"}
    )
    assert r["Location"] == reverse("inspections:findings")


def test_the_report_counts_per_township(world, case, client_for):
    check, item, finding = case
    services.finding_record(
        item=item, category="date", description='=HYPERLINK("x")', deadline=TODAY, actor=world.users.inspector
    )
    FindingItem.objects.filter(pk=finding.pk).update(deadline=TODAY - dt.timedelta(days=1))
    c = client_for(world.users.committee)
    rep = c.get(reverse("inspections:report")).context["report"]
    (row,) = rep.rows
    assert (row.township, row.sampled, row.checked, row.findings) == (world.a, 1, 1, 2)
    assert row.by_category == {"missing": 1, "date": 1}
    assert (row.open, row.fixed, row.closed, row.overdue) == (2, 0, 0, 1)
    r = c.get(reverse("inspections:report_xlsx"))
    wb = load_workbook(io.BytesIO(r.content))
    summary, detail = wb.worksheets
    assert [c.value for c in summary[2]][:5] == ["甲镇党委", 1, 1, 1, 2]
    cells = [c for row in detail.iter_rows(min_row=2) for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and cells[0].data_type == "s" and cells[0].value.startswith("=")  # text, not a formula
    assert AccessLog.objects.filter(user=world.users.committee, kind="export").exists()
    html = c.get(reverse("inspections:report")).content.decode()
    assert 'id="chart-findings"' in html and 'id="inspection-chart"' in html and "<script>" not in html


def test_the_report_of_another_committee_is_empty(world, case, client_for):
    assert client_for(world.users.committee_b).get(reverse("inspections:report")).context["report"].rows == []


def _more(world, n):
    towns = [
        OrganizationFactory(code=f"T{i}", name=f"镇{i}", level=OrgLevel.COMMITTEE, sector="", parent=world.root)
        for i in range(n)
    ]
    for i, town in enumerate(towns):
        branch = OrganizationFactory(code=f"T{i}B", name=f"镇{i}村", parent=town)
        admitted(world, 2, branch=branch, prefix=f"镇{i}")
    for check in draw(world, townships=towns, size=2, seed=5):
        for it in check.items.all():
            services.finding_record(
                item=it, category="other", description="x", deadline=TODAY, actor=world.users.inspector
            )


@pytest.mark.parametrize("name", ["inspections:list", "inspections:report", "inspections:findings"])
def test_query_counts_do_not_grow_with_townships(world, case, client_for, django_assert_max_num_queries, name):
    c = client_for(world.users.department)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert c.get(reverse(name)).status_code == 200
    _more(world, 4)
    with django_assert_max_num_queries(len(one)):
        assert c.get(reverse(name)).status_code == 200


def test_item_page_queries_do_not_grow_with_findings(world, case, client_for, django_assert_max_num_queries):
    check, item, _ = case
    c = client_for(world.users.inspector)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("inspections:item", args=[check.pk, item.pk])
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for i in range(4):
        f = services.finding_record(
            item=item, category="other", description=f"问题{i}", deadline=TODAY, actor=world.users.inspector
        )
        services.finding_fix(finding=f, note="已改", actor=world.users.secretary)
    with django_assert_max_num_queries(len(one)):
        c.get(url)


def test_drawing_in_two_townships_lists_both(world, client_for):
    admitted(world, 2)
    admitted(world, 1, branch=world.b1, prefix="乙")
    c = client_for(world.users.department)
    data = {"townships": [world.a.pk, world.b.pk], "population": "admitted", "year": 2026, "size": 20}
    r = c.post(reverse("inspections:draw"), data)
    assert r.status_code == 302 and r["Location"] == reverse("inspections:list") + "?year=2026"
    rows = {(ch.township.code, ch.n_items) for ch in c.get(r["Location"]).context["checks"]}
    assert rows == {("A", 2), ("B", 1)}


def test_the_inspector_sees_the_archive_panel_without_the_fix_form(world, case, client_for):
    html = client_for(world.users.inspector).get(reverse("applicants:archive", args=[case[1].applicant_id]))
    html = html.content.decode()
    assert 'id="inspection-findings"' in html and "登记整改" not in html
