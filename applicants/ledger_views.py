"""Browser pages for the ledger: upload → preview (every row judged, nothing written) → confirm
(the valid rows are imported), the export, and the template. The uploaded file waits in a private
temporary directory under a random token kept in the user's session; confirm re-judges it (the
state may have changed since the preview) and deletes it."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from recruitment.http import CSV, XLSX, attachment
from recruitment.models import Organization
from recruitment.scope import WRITE_ROLES, get_visible_or_404, role_required, visible_to
from recruitment.tabular import TableError, read_table

from .ledger import LEDGER_HEADER, REQUIRED_HEADER, ledger_export, ledger_import
from .models import Applicant

SESSION_KEY = "ledger_uploads"
MAX_UPLOAD = 20 * 1024 * 1024
PREVIEW_OK_ROWS = 300  # every error row is shown; good rows up to this many


def upload_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "dyfz-ledger-uploads"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx 或 .csv UTF-8）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv（UTF-8）文件")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("文件不能超过 20 MB")
        return f


def _store(request, uploaded) -> str:
    token = secrets.token_urlsafe(24)
    with open(upload_dir() / token, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"name": uploaded.name, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = dict(list(pending.items())[-5:])  # keep the last few uploads only
    return token


def _pending(request, token: str) -> tuple[Path, str] | None:
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    path = upload_dir() / (token or "-")
    if entry is None or not path.is_file():
        return None
    return path, entry["name"]


def _forget(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    (upload_dir() / token).unlink(missing_ok=True)


def _preview_rows(result):
    shown, ok_shown = [], 0
    for r in result.rows:
        if r.ok:
            ok_shown += 1
            if ok_shown > PREVIEW_OK_ROWS:
                continue
        shown.append(r)
    return shown, max(0, result.ok_rows - PREVIEW_OK_ROWS)


@login_required
@role_required(*WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def ledger_upload(request):
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "header": ",".join(LEDGER_HEADER)}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        token = _store(request, uploaded)
        path, name = upload_dir() / token, uploaded.name
        try:
            table = read_table(path, filename=name, expected_header=REQUIRED_HEADER)
        except TableError as exc:
            _forget(request, token)
            form.add_error("file", str(exc))
        else:
            result = ledger_import(table=table, actor=request.user, dry_run=True)
            rows, hidden = _preview_rows(result)
            context.update(result=result, rows=rows, hidden_ok=hidden, token=token, filename=name)
    return render(request, "applicants/ledger_import.html", context)


@login_required
@role_required(*WRITE_ROLES)
@require_POST
def ledger_confirm(request):
    token = request.POST.get("token", "")
    pending = _pending(request, token)
    if pending is None:
        messages.error(request, "上传的文件已失效，请重新上传")
        return redirect("ledger:import")
    path, name = pending
    try:
        table = read_table(path, filename=name, expected_header=REQUIRED_HEADER)
    except TableError as exc:
        _forget(request, token)
        messages.error(request, str(exc))
        return redirect("ledger:import")
    result = ledger_import(table=table, actor=request.user, source=name)
    _forget(request, token)
    text = f"导入完成：新建 {result.created} 人，更新 {result.updated} 人，无变化 {result.unchanged} 人" + (
        f"；{result.error_rows} 行有错误，未写入" if result.error_rows else ""
    )
    (messages.warning if result.error_rows else messages.success)(request, text)
    rows, hidden = _preview_rows(result)
    return render(
        request,
        "applicants/ledger_import.html",
        {
            "form": LedgerUploadForm(),
            "header": ",".join(LEDGER_HEADER),
            "result": result,
            "rows": rows,
            "hidden_ok": hidden,
            "filename": name,
            "done": True,
        },
    )


@login_required
def ledger_download(request):
    """Export the visible applicants (optionally one organization's subtree) as .xlsx or .csv."""
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    qs = visible_to(request.user, Applicant)
    code = request.GET.get("org")
    if code:
        org = get_visible_or_404(request.user, Organization, code=code)
        qs = qs.filter(branch__path__startswith=org.path)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(
        ledger_export(queryset=qs, fmt=fmt), f"ledger-{code or 'all'}-{stamp}.{fmt}", CSV if fmt == "csv" else XLSX
    )


@login_required
def ledger_template(request):
    import datetime as dt
    import random

    from recruitment.idcard import make_id_number
    from recruitment.tabular import write_xlsx

    code = request.user.organization.code if getattr(request.user, "organization", None) else "党支部编码"
    birth = dt.date(1998, 5, 4)
    example = [
        "张三",
        "男",
        "汉族",
        birth,
        make_id_number(birth, "男", random.Random(1)),
        "大学本科",
        "专业技术人员",
        "是",
        "陕西省韩城市",
        code,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 20),
        dt.date(2024, 9, 1),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    return attachment(write_xlsx(LEDGER_HEADER, [example], "发展党员台账"), "ledger_template.xlsx", XLSX)
