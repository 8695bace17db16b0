"""Downloads of generated documents: the 公示 notice (PDF, .docx), a person's timeline (.docx), the
year's 发展党员工作台账 and 预判分析台账 (PDF).

Every download checks login, role (any role reads its subtree, the inspector included: no document
carries a full 公民身份号码) and scope (a person or organization outside the subtree → 404), and is written
to the access log (访问记录)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET

from applicants.models import AccessKind, Applicant
from applicants.services import access_record
from recruitment.http import attachment, client_ip
from recruitment.models import Organization
from recruitment.scope import READ_ROLES, get_visible_or_404, role_required
from reviews.exports import HEADER as PREREVIEW_HEADER
from reviews.exports import ledger_rows as prereview_rows
from reviews.selectors import ledger_entries, ledger_filter

from . import docx, selectors
from .pdf import render_pdf
from .selectors import Stage, cn_date, issuer_name

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _log(request, kind: str, what: str, applicant: Applicant | None = None) -> None:
    access_record(actor=request.user, kind=kind, what=what, applicant=applicant, ip=client_ip(request))


def _person(request, pk: int) -> Applicant:
    return get_visible_or_404(request.user, Applicant.objects.select_related("branch"), pk=pk)


def _notice(request, pk: int, stage: str):
    applicant = _person(request, pk)
    today = timezone.localdate()
    if stage not in Stage.values or stage not in selectors.notice_stages(applicant=applicant, today=today):
        raise Http404("该环节没有公示")
    return selectors.publicity_notice(
        applicant=applicant,
        stage=stage,
        today=today,
        phone=request.GET.get("phone", ""),
        address=request.GET.get("address", ""),
    )


@login_required
@role_required(*READ_ROLES)
@require_GET
def publicity_pdf(request, pk: int, stage: str):
    notice = _notice(request, pk, stage)
    data = render_pdf("documents/publicity_notice.html", {"notice": notice, "issued_on": cn_date(notice.issued_on)})
    _log(request, AccessKind.DOWNLOAD, f"{notice.title}（PDF）", notice.applicant)
    return attachment(data, f"{notice.applicant.name}_{Stage(stage).label}公示.pdf", PDF)


@login_required
@role_required(*READ_ROLES)
@require_GET
def publicity_docx(request, pk: int, stage: str):
    notice = _notice(request, pk, stage)
    data = docx.publicity_docx(notice)
    _log(request, AccessKind.DOWNLOAD, f"{notice.title}（Word）", notice.applicant)
    return attachment(data, f"{notice.applicant.name}_{Stage(stage).label}公示.docx", DOCX)


@login_required
@role_required(*READ_ROLES)
@require_GET
def timeline_docx(request, pk: int):
    applicant = _person(request, pk)
    lines = selectors.person_timeline(applicant=applicant)
    data = docx.timeline_docx(applicant, lines, today=timezone.localdate())
    _log(request, AccessKind.DOWNLOAD, "发展党员工作纪实（Word）", applicant)
    return attachment(data, f"{applicant.name}_发展党员工作纪实.docx", DOCX)


def _year(request) -> int:
    raw = str(request.GET.get("year") or "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _org(request) -> Organization:
    code = request.GET.get("org")
    if code:
        return get_visible_or_404(request.user, Organization, code=code)
    org = request.user.organization
    if org is None:
        raise Http404("没有所属组织")
    return org


@login_required
@role_required(*READ_ROLES)
@require_GET
def work_ledger_pdf(request):
    """The year's 发展党员工作台账 of an organization's subtree, landscape, ID numbers masked."""
    year, org = _year(request), _org(request)
    rows = selectors.work_ledger_rows(queryset=selectors.work_ledger_people(user=request.user, org=org, year=year))
    title = f"{org.name}{year}年度发展党员工作台账"
    data = render_pdf(
        "documents/work_ledger.html",
        {
            "title": title,
            "org": org,
            "org_issuer": issuer_name(org),
            "year": year,
            "rows": rows,
            "columns": selectors.WORK_LEDGER_COLUMNS,
            "user": request.user,
            "today_cn": cn_date(timezone.localdate()),
        },
    )
    _log(request, AccessKind.EXPORT, f"{title}（PDF，{len(rows)} 人，公民身份号码已隐去）")
    return attachment(data, f"发展党员工作台账_{org.code}_{year}.pdf", PDF)


@login_required
@role_required(*READ_ROLES)
@require_GET
def prereview_ledger_pdf(request):
    """The 拟接收预备党员预判分析台账 with its three tiers, filtered as the ledger page is."""
    today = timezone.localdate()
    filters = ledger_filter(user=request.user, data=request.GET, today=today)
    year = filters.ledger_year
    entries = list(ledger_entries(filters=filters))
    rows = [[selectors.cell_text(v) for v in row] for row in prereview_rows(entries)]
    org = request.user.organization
    title = f"{year}年度拟接收预备党员预判分析台账"
    data = render_pdf(
        "documents/prereview_ledger.html",
        {
            "title": title,
            "scope": org.name if org else "全部",
            "rows": rows,
            "person_header": PREREVIEW_HEADER[:9],
            "tiers": (1, 2, 3),
            "user": request.user,
            "today_cn": cn_date(today),
        },
    )
    _log(request, AccessKind.EXPORT, f"{title}（PDF，{len(rows)} 人）")
    return attachment(data, f"预判分析台账_{year}.pdf", PDF)
