"""Generated PDFs (documents): the 公示 notice of each stage, the year's 发展党员工作台账 and 预判分析台账 —
their text read back with pypdf, the CJK font embedded, scope (404), roles, and the access log."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applicants.models import AccessLog, ApplicantPerson, Publicity
from recruitment.models import RuleDefinition
from reviews.models import LedgerEntry, ReviewDecision
from tests.applicants.people import placed

D = dt.date


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response) if hasattr(response, "streaming_content") else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts") or [font]:
                fd = desc.get_object().get("/FontDescriptor")
                if fd and any(k in fd.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(desc.get_object()["/BaseFont"]))
    return names


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def activist(world):
    """An activist of branch A1 (step 3 done): the 2026 rule set asks a 公示 before 发展对象 (R25)."""
    return placed(
        world,
        step=6,
        name="王小红",
        applied_on=D(2024, 3, 1),
        activist_on=D(2024, 9, 2),
        last_step_on=D(2025, 9, 1),
    )


def test_the_candidate_notice_names_the_person_the_window_and_the_signature(world, client_for, activist):
    response = client_for(world.users.secretary).get(
        reverse("documents:publicity_pdf", args=[activist.pk, "candidate"]), {"phone": "0913-5201234"}
    )
    text = flat(pdf_text(response))
    assert "关于王小红同志拟确定为发展对象的公示" in text
    assert "2024年3月1日递交入党申请书" in text and "2024年9月2日被确定为入党积极分子" in text
    assert "1995年3月10日生（31岁）" in text
    # today is Sunday 2026-11-22: from Monday, five working days (the 2026 calendar is not maintained)
    assert "公示时间：2026年11月23日至2026年11月27日（5个工作日）" in text
    assert "联系电话：0913-5201234" in text
    assert "中共甲村党支部" in text and text.rstrip().endswith("2026年11月23日—1—")
    assert activist.id_number not in text and activist.id_number[-6:] not in text


def test_the_pdf_embeds_a_cjk_font(world, client_for, activist):
    response = client_for(world.users.secretary).get(
        reverse("documents:publicity_pdf", args=[activist.pk, "candidate"])
    )
    fonts = embedded_fonts(response.content)
    assert fonts and any(("CJK" in f or "WenQuanYi" in f or "Micro" in f) for f in fonts), fonts


def test_a_recorded_publicity_gives_the_window_and_places(world, client_for, activist):
    Publicity.objects.create(
        applicant=activist, stage="candidate", start=D(2026, 9, 28), end=D(2026, 10, 12),
        places=["甲村村委会公示栏", "务工地公示栏"], outcome="无异议",
    )  # fmt: skip
    text = flat(pdf_text(client_for(world.users.secretary).get(
        reverse("documents:publicity_pdf", args=[activist.pk, "candidate"]))))  # fmt: skip
    # 国庆: 2026-10-01..08 are weekdays without a maintained calendar, counted Monday–Friday
    assert "公示时间：2026年9月28日至2026年10月12日（11个工作日）" in text
    assert "公示地点：甲村村委会公示栏、务工地公示栏" in text
    assert "2026年9月28日" in text.split("中共甲村党支部")[-1]


def test_the_admission_notice_names_the_introducers(world, client_for):
    a = placed(world, step=13, name="李强", applied_on=D(2023, 1, 5), activist_on=D(2023, 4, 1),
               candidate_on=D(2024, 5, 6), last_step_on=D(2026, 10, 1))  # fmt: skip
    for m in (world.members.full1, world.members.full2):
        ApplicantPerson.objects.create(applicant=a, member=m, role="introducer", assigned_on=D(2024, 6, 1))
    Publicity.objects.create(applicant=a, stage="admission", start=D(2026, 10, 19), end=D(2026, 10, 23),
                             places=["甲村"], outcome="无异议")  # fmt: skip
    text = flat(pdf_text(client_for(world.users.committee).get(
        reverse("documents:publicity_pdf", args=[a.pk, "admission"]))))  # fmt: skip
    assert "关于李强同志拟接收预备党员的公示" in text
    assert "入党介绍人为党员甲、党员乙同志" in text and "2024年5月6日被确定为发展对象" in text
    assert "2026年10月19日至2026年10月23日（5个工作日）" in text


def test_the_conversion_notice_shows_the_probation(world, client_for):
    RuleDefinition.objects.create(
        code="S1", title="本县规定 公示", kind="hard", version="local", article="某县规定",
        effective_from=D(2022, 1, 1), params={"stages": ["conversion"], "working_days": 7}, jurisdiction=world.root,
    )  # fmt: skip
    a = placed(world, step=22, name="赵六", applied_on=D(2023, 1, 5), activist_on=D(2023, 4, 1),
               candidate_on=D(2024, 5, 6), branch_meeting_on=D(2025, 12, 1), admitted_on=D(2025, 12, 20),
               probation_end=D(2026, 12, 1), last_step_on=D(2026, 11, 1))  # fmt: skip
    text = flat(pdf_text(client_for(world.users.secretary).get(
        reverse("documents:publicity_pdf", args=[a.pk, "conversion"]))))  # fmt: skip
    assert "预备党员拟转正的公示" in text and "按期转为中共正式党员" in text
    assert "2025年12月1日被接收为中共预备党员，预备期至2026年12月1日" in text
    # the county asks seven working days: Mon 11-23 … Tue 12-01
    assert "2026年11月23日至2026年12月1日（7个工作日）" in text


def test_a_stage_without_a_publicity_is_not_found(world, client_for, activist):
    """Without a county switch (S1) no 公示 comes before 转正 or 确定积极分子; a stage already passed has none."""
    client = client_for(world.users.secretary)
    assert client.get(reverse("documents:publicity_pdf", args=[activist.pk, "activist"])).status_code == 404
    assert client.get(reverse("documents:publicity_pdf", args=[activist.pk, "conversion"])).status_code == 404
    assert client.get(reverse("documents:publicity_pdf", args=[activist.pk, "nonsense"])).status_code == 404


def test_before_2026_05_11_the_candidate_notice_needs_the_county_rule(world, activist):
    """R25 is national only from 2026-05-11 (细则（2026）第十三条)."""
    from documents.selectors import notice_stages

    assert notice_stages(applicant=activist, today=D(2026, 5, 11)) == ["candidate"]
    assert notice_stages(applicant=activist, today=D(2026, 5, 10)) == []


@pytest.mark.parametrize(
    "who, status", [("secretary", 200), ("committee", 200), ("department", 200), ("inspector", 200),
                    ("secretary_b", 404), ("committee_b", 404)],
)  # fmt: skip
def test_who_may_download_a_notice(world, client_for, activist, who, status):
    user = getattr(world.users, who)
    response = client_for(user).get(reverse("documents:publicity_pdf", args=[activist.pk, "candidate"]))
    assert response.status_code == status
    logged = AccessLog.objects.filter(user=user, applicant=activist, kind="download")
    assert logged.count() == (1 if status == 200 else 0)
    if status == 200:
        assert "拟确定为发展对象的公示（PDF）" in logged.get().what


def test_anonymous_users_are_sent_to_login(client, world, activist):
    response = client.get(reverse("documents:publicity_pdf", args=[activist.pk, "candidate"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the ledgers ------------------------------------------------------------------------------------------------
@pytest.fixture
def ledger_people(world):
    a = placed(world, step=17, name="孙一", applied_on=D(2024, 2, 1), activist_on=D(2024, 6, 1),
               candidate_on=D(2025, 7, 1), branch_meeting_on=D(2026, 3, 2), admitted_on=D(2026, 3, 20))  # fmt: skip
    b = placed(world, step=3, name="周二", branch=world.b1, applied_on=D(2026, 1, 5), activist_on=D(2026, 7, 1))
    old = placed(world, step=2, name="吴三", applied_on=D(2020, 1, 5), talked_on=D(2020, 1, 20))
    return a, b, old


def test_the_work_ledger_lists_the_years_people_in_scope_with_masked_ids(world, client_for, ledger_people):
    a, b, old = ledger_people
    response = client_for(world.users.committee).get(reverse("documents:work_ledger_pdf"), {"year": 2026})
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = flat(pdf_text(response))
    assert "甲镇党委2026年度发展党员工作台账" in text
    assert "孙一" in text and "2026-03-20" in text and "甲村党支部" in text
    assert "周二" not in text  # another committee's branch
    assert "吴三" not in text  # nothing happened in 2026
    assert a.id_number not in text and a.id_number[:4] + "**********" + a.id_number[-4:] in text
    assert "填报人" in text and "审核人" in text
    log = AccessLog.objects.get(user=world.users.committee, kind="export")
    assert "2026年度发展党员工作台账（PDF，1 人" in log.what


def test_the_work_ledger_of_an_organization_outside_the_scope_is_not_found(world, client_for, ledger_people):
    client = client_for(world.users.committee)
    assert client.get(reverse("documents:work_ledger_pdf"), {"org": "B1"}).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_department_reads_the_whole_county_and_one_branch(world, client_for, ledger_people):
    client = client_for(world.users.department)
    text = flat(pdf_text(client.get(reverse("documents:work_ledger_pdf"), {"year": 2026})))
    assert "孙一" in text and "周二" in text
    text = flat(pdf_text(client.get(reverse("documents:work_ledger_pdf"), {"year": 2026, "org": "B1"})))
    assert "孙一" not in text and "周二" in text


def test_the_prereview_ledger_shows_three_tiers(world, client_for, ledger_people):
    a, b, _ = ledger_people
    entry = LedgerEntry.objects.create(applicant=a, year=2026, tier=3)
    ReviewDecision.objects.create(entry=entry, tier=1, verdict="pass", reason="表现突出", reviewer=world.users.secretary,
                                  decided_on=D(2026, 1, 10))  # fmt: skip
    ReviewDecision.objects.create(entry=entry, tier=2, verdict="pass", reason="征求纪委意见无异议",
                                  reviewer=world.users.committee, decided_on=D(2026, 1, 20))  # fmt: skip
    LedgerEntry.objects.create(applicant=b, year=2026)
    response = client_for(world.users.inspector).get(reverse("documents:prereview_ledger_pdf"), {"year": 2026})
    text = flat(pdf_text(response))
    assert "2026年度拟接收预备党员预判分析台账" in text
    assert "一、支部初审" in text and "二、党委复审" in text and "三、组织部门终审" in text
    assert "通过：表现突出" in text and "2026-01-10" in text and "通过：征求纪委意见无异议" in text
    assert "待组织部终审" in text and "周二" in text
    assert AccessLog.objects.filter(user=world.users.inspector, kind="export").count() == 1
    text = flat(pdf_text(client_for(world.users.secretary_b).get(reverse("documents:prereview_ledger_pdf"),
                                                                  {"year": 2026})))  # fmt: skip
    assert "周二" in text and "孙一" not in text


def test_the_fetcher_refuses_the_network():
    from documents.pdf import _static_file

    for url in ("http://example.com/x.css", "https://cdn.example/x.css", "file:///etc/passwd", "static:../x"):
        with pytest.raises(ValueError):
            _static_file(url)
    assert _static_file("static:css/pdf.css").name == "pdf.css"
