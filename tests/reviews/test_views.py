"""Pages: the permission matrix, the ledger export, the queues, one-by-one approval, the quota
effect and the applicant panel."""

import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from applicants.models import StepRecord
from quotas.selectors import quota_effect
from recruitment.errors import DomainError
from reviews.models import LedgerEntry, ReviewDepartment
from reviews.services import negative_list_check
from tests.applicants.test_full_pipeline import run_steps

from .conftest import ON, TODAY
from .test_gates import passed


@pytest.fixture
def scene(world, make_candidate):
    """One candidate in a1 (at step 16) with ledger entries waiting at each tier (years 2023–2025)."""
    a = make_candidate(until=14)
    entries = {
        t: LedgerEntry.objects.create(
            applicant=a, year=2022 + t, tier=t, submitted_by=world.users.secretary, waiting_since=ON
        )
        for t in (1, 2, 3)
    }
    return a, entries


DECIDE = {"verdict": "return", "reason": "请补充材料", "decided_on": "2023-06-20"}

# (action, user, expected status). In scope unless the user is *_b; "too low" roles get 403.
MATRIX = [
    ("ledger", "secretary", 200),
    ("ledger", "inspector", 200),
    ("ledger", "department", 200),
    ("submit", "secretary", 200),
    ("submit", "committee", 200),
    ("submit", "inspector", 403),
    ("detail", "secretary", 200),
    ("detail", "inspector", 200),
    ("detail", "committee_b", 404),
    ("detail", "secretary_b", 404),
    ("decide1", "secretary", 302),
    ("decide1", "committee", 302),
    ("decide1", "inspector", 403),
    ("decide1", "committee_b", 404),
    ("decide2", "secretary", 403),
    ("decide2", "committee", 302),
    ("decide2", "department", 302),
    ("decide2", "committee_b", 404),
    ("decide3", "secretary", 403),
    ("decide3", "committee", 403),
    ("decide3", "inspector", 403),
    ("decide3", "department", 302),
    ("decide3", "secretary_b", 404),
    ("opinion", "secretary", 403),
    ("opinion", "inspector", 403),
    ("opinion", "committee", 302),
    ("opinion", "committee_b", 404),
    ("checks", "secretary", 200),
    ("checks", "secretary_b", 404),
    ("checks", "committee_b", 404),
    ("negative", "secretary", 302),
    ("negative", "inspector", 403),
    ("negative", "secretary_b", 404),
    ("household", "secretary", 302),
    ("household", "inspector", 403),
    ("household", "committee_b", 404),
    ("cadre", "committee", 403),
    ("cadre", "secretary", 403),
    ("cadre", "department", 302),
    ("cadre", "secretary_b", 404),
    ("joint", "secretary", 403),
    ("joint", "committee", 302),
    ("joint", "committee_b", 404),
    ("queue", "secretary", 403),
    ("queue", "inspector", 403),
    ("queue", "committee", 200),
    ("queue", "department", 200),
    ("bulk", "secretary", 403),
    ("bulk", "inspector", 403),
    ("bulk", "committee", 302),
    ("act17", "committee", 200),
    ("act17", "secretary", 403),
    ("act17", "inspector", 403),
    ("act17", "committee_b", 404),
    ("act18", "committee", 403),
    ("act18", "department", 200),
    ("act18", "secretary_b", 404),
]


def _request(action, a, entries):
    dept = ReviewDepartment.objects.first()
    return {
        "ledger": ("get", reverse("reviews:ledger"), None),
        "submit": ("get", reverse("reviews:ledger_submit"), None),
        "detail": ("get", reverse("reviews:entry_detail", args=[entries[1].pk]), None),
        "decide1": ("post", reverse("reviews:entry_decide", args=[entries[1].pk]), {**DECIDE, "tier": 1, "version": 0}),
        "decide2": ("post", reverse("reviews:entry_decide", args=[entries[2].pk]), {**DECIDE, "tier": 2, "version": 0}),
        "decide3": ("post", reverse("reviews:entry_decide", args=[entries[3].pk]), {**DECIDE, "tier": 3, "version": 0}),
        "opinion": (
            "post",
            reverse("reviews:entry_opinion", args=[entries[2].pk]),
            {"department": dept.pk, "verdict": "agree", "given_on": "2023-06-20", "opinion": ""},
        ),
        "checks": ("get", reverse("reviews:applicant_checks", args=[a.pk]), None),
        "negative": ("post", reverse("reviews:negative_check", args=[a.pk]), {"checked_on": "2023-06-20"}),
        "household": (
            "post",
            reverse("reviews:household_opinion", args=[a.pk]),
            {"organization_name": "东王村党支部", "verdict": "agree", "given_on": "2023-06-20"},
        ),
        "cadre": (
            "post",
            reverse("reviews:cadre_approval", args=[a.pk]),
            {"relation": "子", "approved": "1", "decided_on": "2023-06-20"},
        ),
        "joint": (
            "post",
            reverse("reviews:joint_opinion", args=[a.pk]),
            {"department": dept.pk, "verdict": "agree", "given_on": "2023-06-20"},
        ),
        "queue": ("get", reverse("reviews:queue"), None),
        "bulk": ("post", reverse("reviews:queue_bulk"), {"step": 4, "date": "2023-06-20", "applicants": [a.pk]}),
        "act17": ("get", reverse("reviews:step_act", args=[a.pk, 17]), None),
        "act18": ("get", reverse("reviews:step_act", args=[a.pk, 18]), None),
    }[action]


@pytest.mark.parametrize("action,who,expected", MATRIX)
def test_permission_matrix(world, scene, client_for, action, who, expected):
    a, entries = scene
    method, url, data = _request(action, a, entries)
    client = client_for(getattr(world.users, who))
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected


def test_anonymous_users_are_sent_to_login(client, world, scene):
    assert client.get(reverse("reviews:queue")).status_code == 302


def test_ledger_export_has_the_staff_layout(world, make_candidate, client_for, committee_material):
    from openpyxl import load_workbook

    a = make_candidate()
    passed(world, a)
    response = client_for(world.users.department).get(reverse("reviews:ledger") + "?year=2023&export=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "2023年度拟接收预备党员预判分析台账"
    header = [c.value for c in ws[2]]
    assert header[:9] == [
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "学历",
        "所在党支部",
        "所属党（工）委",
        "领域",
        "确定发展对象时间",
    ]
    row = {h: c.value for h, c in zip(header, ws[3], strict=True)}
    assert row["姓名"] == a.name and row["领域"] == "农村（社区）" and row["出生年月"] == a.birth_date.strftime("%Y.%m")
    assert row["初审人"] == str(world.users.secretary) and row["终审人"] == str(world.users.department)
    assert row["初审意见"].startswith("通过：") and "纪委监委" in row["部门意见"] and row["状态"] == "三级审查通过"


def test_ledger_page_queries_do_not_grow_with_rows(world, make_candidate, client_for, django_assert_max_num_queries):
    for _ in range(3):
        passed(world, make_candidate())
    client = client_for(world.users.department)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reviews:ledger") + "?year=2023")
    assert response.content.decode().count("三级审查通过") >= 3


def test_bulk_record_reports_refusals_per_person(world, make_candidate, client_for, negative_item):
    ok, blocked = make_candidate(until=3), make_candidate(until=3)
    negative_list_check(
        applicant=blocked,
        hits=[negative_item],
        checked_on=blocked.activist_on,
        hit_notes="有前科",
        actor=world.users.secretary,
        today=TODAY,
    )
    client = client_for(world.users.committee)
    response = client.post(
        reverse("reviews:queue_bulk"), {"step": 4, "date": "2022-04-10", "applicants": [ok.pk, blocked.pk]}, follow=True
    )
    text = response.content.decode()
    assert f"已为 1 人登记（2022-04-10）：{ok.name}" in text
    assert f"{blocked.name}未能登记：R19" in text and "受到刑事处罚的" in text
    assert StepRecord.objects.filter(step=4, applicant=ok, actor=world.users.committee).exists()
    assert not StepRecord.objects.filter(step=4, applicant=blocked).exists()


def test_approval_steps_cannot_be_recorded_in_bulk(world, make_candidate, client_for):
    a = make_candidate()
    passed(world, a)
    run_steps(world, a, until=16)
    response = client_for(world.users.committee).post(
        reverse("reviews:queue_bulk"), {"step": 17, "date": "2023-08-01", "applicants": [a.pk]}
    )
    assert response.status_code == 302 and not StepRecord.objects.filter(step=17).exists()


def test_step_17_is_voted_one_candidate_per_form(world, make_candidate, client_for):
    a = make_candidate()
    passed(world, a)
    run_steps(world, a, until=16)
    client = client_for(world.users.committee)
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert a.name in queue and "审批期限（R12）" in queue and "2023-10-01" in queue
    response = client.post(
        reverse("reviews:step_act", args=[a.pk, 17]),
        {"date": "2023-08-01", "expected": 9, "attending": 8, "yes": 8, "notes": "同意接收"},
    )
    assert response.status_code == 302
    record = StepRecord.objects.get(applicant=a, step=17)
    assert record.actor == world.users.committee and "应到委员 9 人，实到 8 人，同意 8 票" in record.notes


def test_step_15_is_refused_with_r16_until_the_final_pass(world, make_candidate):
    from applicants.services import applicant_record_step

    a = make_candidate()
    with pytest.raises(DomainError, match="R16"):
        applicant_record_step(
            applicant=a,
            step=15,
            date=ON.replace(month=7, day=1),
            actor=world.users.secretary,
            data={"expected_voters": 10, "attending_voters": 8, "yes_votes": 8},
            today=TODAY,
        )


def test_final_review_shows_the_quota_effect(world, make_candidate, client_for, submit, committee_material):
    from applicants.services import applicant_transfer
    from demo.reviews import _advance

    admitted = make_candidate()
    passed(world, admitted)
    run_steps(world, admitted, until=17)  # one rural member admitted in 2023
    b = make_candidate()
    applicant_transfer(applicant=b, date=ON, actor=world.users.committee, to_branch=world.a2)  # 非公企业
    from reviews.services import household_opinion_record, ledger_submit

    household_opinion_record(
        applicant=b,
        organization_name="户籍地党支部",
        verdict="agree",
        opinion="",
        given_on=ON,
        actor=world.users.committee,
        today=TODAY,
    )
    entry = ledger_submit(applicant=b, year=2023, actor=world.users.committee, today=TODAY)
    _advance(
        entry,
        target=3,
        on=ON,
        branch_user=world.users.department,  # three tiers, three people (SOD)
        committee_user=world.users.committee,
        department_user=world.users.department,
        today=TODAY,
    )
    entry.refresh_from_db()
    effect = quota_effect(entry=entry, org=world.root)
    rows = {r["key"]: r for r in effect.rows}
    assert rows["农村（社区）"]["before_count"] == 1 and rows["农村（社区）"]["after_share"] == 0.5
    assert rows["非公企业"]["before_ok"] and not rows["非公企业"]["after_ok"]  # 50% > 20%
    page = client_for(world.users.department).get(reverse("reviews:entry_detail", args=[entry.pk])).content.decode()
    assert "终审比例影响" in page and "50.0%" in page and "text-danger fw-bold" in page
    committee_page = (
        client_for(world.users.committee).get(reverse("reviews:entry_detail", args=[entry.pk])).content.decode()
    )
    assert "终审比例影响" not in committee_page and "提交决定" not in committee_page


def test_applicant_panel_shows_review_status_and_responsibility_chain(world, make_candidate, rf):
    a = make_candidate()
    passed(world, a)
    run_steps(world, a, until=17)
    request = rf.get("/")
    request.user = world.users.secretary
    html = render_to_string("reviews/_applicant_panel.html", {"applicant": a, "request": request})
    assert "2023年度预判分析台账" in html and "三级审查通过" in html
    assert "组织部终审：通过" in html and str(world.users.department) in html
    assert "谁介绍谁负责" in html and world.members.full1.name in html  # introducer
    assert "第17步 上级党委审批" in html and str(world.users.committee) in html


def test_panel_is_registered_for_the_applicant_page():
    from recruitment.registry import applicant_panels

    assert "reviews/_applicant_panel.html" in applicant_panels()


def test_branch_secretary_submits_candidates_from_the_page(world, make_candidate, client_for):
    a, b = make_candidate(until=7), make_candidate(until=6)
    client = client_for(world.users.secretary)
    page = client.get(reverse("reviews:ledger_submit") + "?year=2023").content.decode()
    assert a.name in page and b.name not in page
    client.post(reverse("reviews:ledger_submit"), {"year": 2023, "applicants": [a.pk]})
    assert LedgerEntry.objects.filter(applicant=a, year=2023, submitted_by=world.users.secretary).exists()


def test_a_stale_decision_form_shows_who_decided(world, make_candidate, submit, client_for):
    entry = submit(make_candidate())
    client_for(world.users.committee).post(
        reverse("reviews:entry_decide", args=[entry.pk]), {**DECIDE, "verdict": "pass", "tier": 1, "version": 0}
    )
    response = client_for(world.users.secretary).post(
        reverse("reviews:entry_decide", args=[entry.pk]), {**DECIDE, "tier": 1, "version": 0}, follow=True
    )
    assert f"该条目已由{world.users.committee}于" in response.content.decode()
    assert entry.decisions.count() == 1


def test_committee_queue_lists_the_talk_after_the_branch_meeting(world, make_candidate, client_for):
    """Step 16 (上级党委派人谈话) is the committee's to do: it waits in the queue after step 15."""
    a = make_candidate()
    passed(world, a)
    run_steps(world, a, until=15)
    queue = client_for(world.users.committee).get(reverse("reviews:queue")).content.decode()
    assert 'id="step-16"' in queue and a.name in queue.split('id="step-16"')[1].split('id="step-17"')[0]
    assert reverse("reviews:step_act", args=[a.pk, 16]) in queue
    client = client_for(world.users.committee)
    form = client.get(reverse("reviews:step_act", args=[a.pk, 16])).content.decode()
    assert 'name="talker"' in form  # the form is the step's declared fields
    client.post(reverse("reviews:step_act", args=[a.pk, 16]), {"date": "2023-07-05", "talker": "王组织员"})
    a.refresh_from_db()
    assert a.current_step == 16 and a.steps.get(step=16).responsible == "王组织员"
    assert 'id="step-16"' not in client_for(world.users.secretary).get(reverse("reviews:queue")).content.decode()


def test_opinion_files_are_downloaded_through_the_page_in_scope_only(world, make_candidate, client_for):
    from urllib.parse import quote

    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.models import OpinionPurpose
    from reviews.services import household_opinion_record, opinion_record

    a = make_candidate(until=5)
    joint = opinion_record(
        department=ReviewDepartment.objects.first(),
        verdict="agree",
        opinion="",
        given_on=ON,
        actor=world.users.committee,
        applicant=a,
        purpose=OpinionPurpose.JOINT_REVIEW,
        file=SimpleUploadedFile("纪委意见.pdf", b"%PDF-1.4 joint"),
        today=TODAY,
    )
    household = household_opinion_record(
        applicant=a,
        organization_name="东王村党支部",
        verdict="agree",
        opinion="",
        given_on=ON,
        actor=world.users.secretary,
        file=SimpleUploadedFile("户籍地意见.pdf", b"%PDF-1.4 household"),
        today=TODAY,
    )
    joint_url = reverse("reviews:opinion_file", args=[a.pk, "department", joint.pk])
    household_url = reverse("reviews:opinion_file", args=[a.pk, "household", household.pk])
    page = client_for(world.users.committee).get(reverse("reviews:applicant_checks", args=[a.pk])).content.decode()
    assert joint_url in page and household_url in page and "/media/" not in page
    for who in ("secretary", "committee", "department", "inspector"):
        response = client_for(getattr(world.users, who)).get(joint_url)
        assert response.status_code == 200 and response.streaming, who
        assert b"".join(response.streaming_content) == b"%PDF-1.4 joint"
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('纪委意见.pdf')}"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(client_for(world.users.secretary).get(household_url).streaming_content) == b"%PDF-1.4 household"
    for who in ("committee_b", "secretary_b"):
        assert client_for(getattr(world.users, who)).get(joint_url).status_code == 404, who
        assert client_for(getattr(world.users, who)).get(household_url).status_code == 404, who
    client = client_for(world.users.department)
    assert client.get(reverse("reviews:opinion_file", args=[a.pk, "other", joint.pk])).status_code == 404
    assert client.get(reverse("reviews:opinion_file", args=[a.pk, "household", joint.pk + 999])).status_code == 404
