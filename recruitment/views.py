from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .filters import MemberFilter, OrganizationFilter
from .forms import UploadForm
from .fragments import cached_fragment, scope_parts
from .http import XLSX, attachment
from .idcard import mask_id_number
from .members import MEMBER_EXPORT_HEADER, member_export_rows
from .models import Organization, OrgLevel, Role
from .registry import CACHED_WIDGETS, home_stamp, home_widgets_for
from .scope import STAFF_ROLES, WRITE_ROLES, get_visible_or_404, role_required, visible_to
from .services import ORG_EXPORT_HEADER, ORG_IMPORT_HEADER, ORG_IMPORT_OPTIONAL, organizations_import
from .tabular import TableError, read_table, write_xlsx


@login_required
def home(request):
    user = request.user
    org = user.organization
    today = timezone.localdate()
    widgets, stamp = [], None
    for template in home_widgets_for(user):
        if template in CACHED_WIDGETS:
            stamp = home_stamp(user) if stamp is None else stamp
            html = cached_fragment(request, f"home:{template}", (stamp, today), template, lambda: {"org": org})
            widgets.append({"html": html})
        else:
            widgets.append({"template": template})
    context = {
        "org": org,
        "widgets": widgets,
        "subtree_count": visible_to(user, Organization).count() if org or user.is_superuser else 0,
    }
    return render(request, "recruitment/home.html", context)


@login_required
def org_list(request):
    filters = OrganizationFilter(request.GET or None, user=request.user)
    qs = filters.qs
    if request.GET.get("export") == "xlsx":
        rows = [
            [o.code, o.name, o.parent.code if o.parent else "", o.level, o.sector, o.founded_on, o.last_recruit_on]
            for o in qs
        ]
        return attachment(write_xlsx(ORG_EXPORT_HEADER, rows, "党组织"), "organizations.xlsx", XLSX)
    main = cached_fragment(  # organizations: the reference stamp; their dates of last admission: the people
        request,
        "org-list",
        scope_parts(request),
        "recruitment/partials/org_list_main.html",
        lambda: {"form": filters.form, "page": Paginator(qs, 50).get_page(request.GET.get("page"))},
    )
    return render(request, "recruitment/org_list.html", {"main": main})


@login_required
@role_required(*WRITE_ROLES)
def org_search(request):
    """Suggestions for a field that names any active organization by its code (the 户籍所在地党组织 of a
    new person may be in another county): up to 20 whose code starts with, or name holds, the typed text,
    as the options of a <datalist>. For the roles that enter people (the form offered them all before)."""
    q = request.GET.get("q") or next((v for k, v in request.GET.items() if k != "q"), "")
    q = q.strip()[:50]
    found = Organization.objects.none()
    if q:
        active = Organization.objects.filter(is_active=True).exclude(level=OrgLevel.DEPARTMENT)
        found = active.filter(code__istartswith=q) | active.filter(name__contains=q)
    return render(
        request, "recruitment/partials/org_options.html", {"orgs": found.order_by("code")[:20].only("code", "name")}
    )


@login_required
def org_detail(request, code: str):
    org = get_visible_or_404(request.user, Organization.objects.select_related("parent"), code=code)
    children = org.children.annotate(n_children=Count("children")).order_by("code")
    ancestors = [a for a in org.ancestors() if request.user.can_see(a)]
    members = org.members.order_by("name")[:200]
    return render(
        request,
        "recruitment/org_detail.html",
        {
            "org": org,
            "children": children,
            "ancestors": ancestors,
            "members": members,
        },
    )


@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_http_methods(["GET", "POST"])
def org_import(request):
    result = None
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = read_table(
                form.cleaned_data["file"], filename=form.cleaned_data["file"].name, expected_header=ORG_IMPORT_HEADER
            )
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            result = organizations_import(table=table, actor=request.user, dry_run=form.cleaned_data["dry_run"])
            if result.errors:
                messages.error(request, f"共 {len(result.errors)} 处错误，未写入任何数据。请修改后重新上传。")
            elif result.dry_run:
                messages.info(
                    request,
                    f"校验通过：将新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}（未写入）",
                )
            else:
                messages.success(
                    request, f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
                )
                return redirect("recruitment:org_list")
    return render(
        request,
        "recruitment/org_import.html",
        {
            "form": form,
            "result": result,
            "header": ",".join(ORG_IMPORT_HEADER),
            "optional": ",".join(ORG_IMPORT_OPTIONAL),
        },
    )


@login_required
def org_import_template(request):
    data = write_xlsx(
        ORG_EXPORT_HEADER,
        [
            ["XX001", "示例党委", "", "党委", "", "2001-07-01", ""],
            ["XX00101", "示例村党支部", "XX001", "党支部", "农村（社区）", "2003-05-01", "2024-06-28"],
        ],
        "党组织",
    )
    return attachment(data, "org_import_template.xlsx", XLSX)


@login_required
def member_list(request):
    filters = MemberFilter(request.GET or None, user=request.user)
    qs = filters.qs
    if request.GET.get("export") == "xlsx":
        if qs.count() > MEMBER_EXPORT_MAX:
            messages.error(
                request, f"符合条件的党员超过 {MEMBER_EXPORT_MAX:,} 名，请先按姓名、支部或类别缩小范围再导出"
            )
            return redirect(f"{request.path}?{_without(request.GET, 'export')}")
        rows = member_export_rows(qs)
        if not request.user.has_role(*STAFF_ROLES):  # full numbers only for the roles that import them
            for row in rows:
                row[ID_COLUMN] = mask_id_number(row[ID_COLUMN])
        return attachment(write_xlsx(MEMBER_EXPORT_HEADER, rows, "党员名册"), "party_members.xlsx", XLSX)
    main = cached_fragment(  # a member's write, and a person's (转正, 转接), moves the scope's mark
        request,
        "member-list",
        scope_parts(request),
        "recruitment/partials/member_list_main.html",
        lambda: {
            "form": filters.form,
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "export_query": _without(request.GET, "page", "export"),
        },
    )
    return render(request, "recruitment/member_list.html", {"main": main})


MEMBER_EXPORT_MAX = 50_000
ID_COLUMN = MEMBER_EXPORT_HEADER.index("公民身份号码")


def _without(params, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
