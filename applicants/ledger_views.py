"""Browser pages for the ledger: upload → preview (every row judged, nothing written) → confirm
(the valid rows are imported) or cancel, the export, and the template. The uploaded file waits in a
private directory (``LEDGER_UPLOAD_DIR``) under a random token kept in the user's session; confirm
re-judges it (the state may have changed since the preview) and deletes it, cancel deletes it, a
preview with nothing to import deletes it at once, and every new upload first removes the files left
behind (older than ``UPLOAD_MAX_AGE``: a preview abandoned, a session that expired).

The 台账 export carries full 公民身份号码 — re-import keys on them — so it is for the roles that import
(``ledger.may_import``), and every export is a line of the access log."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recruitment.errors import DomainError
from recruitment.http import CSV, XLSX, attachment, client_ip
from recruitment.models import Organization
from recruitment.scope import WRITE_ROLES, get_visible_or_404, role_required, visible_to
from recruitment.tabular import TableError, read_table

from .ledger import LEDGER_HEADER, REQUIRED_HEADER, ledger_export, ledger_import
from .models import AccessKind, Applicant
from .services import access_record

SESSION_KEY = "ledger_uploads"
MAX_UPLOAD = 20 * 1024 * 1024
PREVIEW_OK_ROWS = 300  # every error row is shown; good rows up to this many
UPLOAD_MAX_AGE = dt.timedelta(days=1)
KEEP_PENDING = 5  # uploads a session may have waiting at once


def upload_dir() -> Path:
    path = Path(settings.LEDGER_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def purge_stale_uploads(max_age: dt.timedelta = UPLOAD_MAX_AGE) -> int:
    """Remove waiting uploads older than ``max_age`` (by the time ``_store`` stamped on them, on the
    application's clock). Returns how many were removed. Runs at every new upload."""
    cutoff = time.time() - max_age.total_seconds()
    removed = 0
    for entry in upload_dir().iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink(missing_ok=True)
                removed += 1
        except OSError:  # removed meanwhile by another worker
            continue
    return removed


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
    purge_stale_uploads()
    token = secrets.token_urlsafe(24)
    path = upload_dir() / token
    with open(path, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    now = time.time()
    os.utime(path, (now, now))  # the age purge_stale_uploads reads, on the application's clock
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"name": uploaded.name, "at": timezone.now().isoformat()}
    items = list(pending.items())
    for old, _ in items[:-KEEP_PENDING]:  # older uploads of this session can no longer be confirmed
        (upload_dir() / old).unlink(missing_ok=True)
    request.session[SESSION_KEY] = dict(items[-KEEP_PENDING:])
    return token


def _pending(request, token: str) -> tuple[Path, str] | None:
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if entry is None:
        return None
    path = upload_dir() / token
    if not path.is_file():
        return None
    return path, entry["name"]


def _forget(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    known = pending.pop(token, None) is not None
    request.session[SESSION_KEY] = pending
    if known:  # only a token of this session names a file to delete
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
            if not result.ok_rows:  # nothing to confirm: the file need not wait
                _forget(request, token)
                token = ""
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
    try:
        result = ledger_import(table=table, actor=request.user, source=name)
    except DomainError as exc:  # a race lost to another import: nothing was written, the file is kept
        messages.error(request, "；".join(v.message for v in exc.violations))
        return redirect("ledger:import")
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
@role_required(*WRITE_ROLES)
@require_POST
def ledger_cancel(request):
    """Drop an upload waiting for confirmation: its file is deleted at once."""
    _forget(request, request.POST.get("token", ""))
    messages.info(request, "已取消本次导入，上传的文件已删除")
    return redirect("ledger:import")


@login_required
@role_required(*WRITE_ROLES)
@require_GET
def ledger_download(request):
    """Export the visible applicants (optionally one organization's subtree) as .xlsx or .csv — the
    import's own format, full 公民身份号码 included (re-import keys on them). For the roles that import
    (not the read-only inspector); each export is logged (访问记录) with its scope and row count."""
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    qs = visible_to(request.user, Applicant)
    code = request.GET.get("org")
    if code:
        org = get_visible_or_404(request.user, Organization, code=code)
        qs = qs.filter(branch__path__startswith=org.path)
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"ledger-{code or 'all'}-{stamp}.{fmt}"
    data = ledger_export(queryset=qs, fmt=fmt)
    access_record(
        actor=request.user,
        kind=AccessKind.EXPORT,
        what=f"台账导出（含完整公民身份号码）：{filename}，{qs.count()} 人，范围 {code or '全部'}",
        ip=client_ip(request),
    )
    return attachment(data, filename, CSV if fmt == "csv" else XLSX)


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
