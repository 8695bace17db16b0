"""Browser pages of the member-register import (go-live): upload → preview (every row judged, nothing
written) → confirm (the valid rows are imported), and the template. Department and committee staff,
within their subtree. The same steps and semantics as the ledger's (applicants/ledger_views.py)."""

from __future__ import annotations

import datetime as dt
import random

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .http import XLSX, attachment
from .idcard import make_id_number
from .members import MEMBER_IMPORT_HEADER, MEMBER_REQUIRED_HEADER, PENALTY_COLUMNS, members_import
from .pending_uploads import PendingUploads
from .scope import STAFF_ROLES, role_required
from .tabular import MAX_FILE_BYTES, TableError, read_table, write_xlsx

UPLOADS = PendingUploads("members")
PREVIEW_OK_ROWS = 300  # every error row is shown; good rows up to this many


class MemberUploadForm(forms.Form):
    file = forms.FileField(label="党员名册文件（.xlsx 或 .csv UTF-8）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv（UTF-8）文件")
        if f.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"文件不能超过 {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return f


def _preview_rows(result):
    shown, ok_shown = [], 0
    for r in result.rows:
        if r.ok and not r.warnings:
            ok_shown += 1
            if ok_shown > PREVIEW_OK_ROWS:
                continue
        shown.append(r)
    return shown, max(0, ok_shown - PREVIEW_OK_ROWS)


def _context(**extra) -> dict:
    return {
        "header": ",".join(MEMBER_REQUIRED_HEADER),
        "optional": ",".join(PENALTY_COLUMNS),
        **extra,
    }


@login_required
@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def member_import(request):
    form = MemberUploadForm(request.POST or None, request.FILES or None)
    context = _context(form=form)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        token = UPLOADS.store(request, uploaded)
        path, name = UPLOADS.get(request, token)
        try:
            table = read_table(path, filename=name, expected_header=MEMBER_REQUIRED_HEADER)
        except TableError as exc:
            UPLOADS.forget(request, token)
            form.add_error("file", str(exc))
        else:
            result = members_import(table=table, actor=request.user, dry_run=True)
            if not result.ok_rows:  # nothing to confirm: the file need not wait
                UPLOADS.forget(request, token)
            rows, hidden = _preview_rows(result)
            context.update(result=result, rows=rows, hidden_ok=hidden, token=token, filename=name)
    return render(request, "recruitment/member_import.html", context)


@login_required
@role_required(*STAFF_ROLES)
@require_POST
def member_import_confirm(request):
    token = request.POST.get("token", "")
    pending = UPLOADS.get(request, token)
    if pending is None:
        messages.error(request, "上传的文件已失效，请重新上传")
        return redirect("recruitment:member_import")
    path, name = pending
    try:
        table = read_table(path, filename=name, expected_header=MEMBER_REQUIRED_HEADER)
    except TableError as exc:
        UPLOADS.forget(request, token)
        messages.error(request, str(exc))
        return redirect("recruitment:member_import")
    result = members_import(table=table, actor=request.user, source=name)
    UPLOADS.forget(request, token)
    text = (
        f"导入完成：新建 {result.created} 名，更新 {result.updated} 名，无变化 {result.unchanged} 名，"
        f"处分记录 {result.penalties} 条"
    ) + (f"；{result.error_rows} 行有错误，未写入" if result.error_rows else "")
    (messages.warning if result.error_rows else messages.success)(request, text)
    rows, hidden = _preview_rows(result)
    return render(
        request,
        "recruitment/member_import.html",
        _context(form=MemberUploadForm(), result=result, rows=rows, hidden_ok=hidden, filename=name, done=True),
    )


@login_required
@role_required(*STAFF_ROLES)
def member_import_template(request):
    code = request.user.organization.code if getattr(request.user, "organization", None) else "党支部编码"
    rng = random.Random(1)
    full_birth, new_birth = dt.date(1972, 3, 8), dt.date(1999, 10, 1)
    rows = [
        ["李四", "男", make_id_number(full_birth, "男", rng), full_birth, code, "正式党员", dt.date(1996, 6, 20),
         dt.date(1997, 6, 20), "警告", dt.date(2025, 4, 1), dt.date(2025, 10, 1)],
        ["王五", "女", make_id_number(new_birth, "女", rng), new_birth, code, "预备党员", dt.date(2026, 7, 31),
         None, "", None, None],
    ]  # fmt: skip
    return attachment(write_xlsx(MEMBER_IMPORT_HEADER, rows, "党员名册"), "member_import_template.xlsx", XLSX)
