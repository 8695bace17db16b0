"""The work calendar page (工作日历) of the organization department: a year's exceptions to the
Monday–Friday week, add one (放假 on a weekday / 调休上班 on a weekend day), add a holiday period,
remove one. The 公示 of five working days (R25) is counted on it (recruitment.calendar)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .errors import DomainError
from .models import WorkCalendarDay
from .scope import DEPARTMENT_ROLES, role_required
from .services import calendar_day_add, calendar_day_remove, calendar_holidays_add, weekday_label
from .years import year_from_request

YEARS = (2000, 2100)
KINDS = [("holiday", "放假（工作日放假）"), ("workday", "调休上班（周末上班）")]


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})


class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=_date_widget())
    kind = forms.ChoiceField(label="类别", choices=KINDS, widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(
        label="说明",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：国庆节、春节调休"}),
    )


class HolidaysForm(forms.Form):
    start = forms.DateField(label="从", widget=_date_widget())
    end = forms.DateField(label="到", widget=_date_widget())
    note = forms.CharField(
        label="说明",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：国庆节"}),
    )


def _year(request) -> int:
    return year_from_request(request, lo=YEARS[0], hi=YEARS[1])


def _apply(form: forms.Form, action) -> bool:
    try:
        action()
    except DomainError as exc:
        for v in exc.violations:
            form.add_error(v.field if v.field in form.fields else None, v.message)
        return False
    return True


@login_required
@role_required(*DEPARTMENT_ROLES)
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    year = _year(request)
    action = request.POST.get("action") if request.method == "POST" else None
    day_form = DayForm(request.POST if action == "add" else None, prefix="day")
    range_form = HolidaysForm(request.POST if action == "holidays" else None, prefix="range")
    if action == "add" and day_form.is_valid():
        d = day_form.cleaned_data
        if _apply(
            day_form,
            lambda: calendar_day_add(
                day=d["date"], is_workday=d["kind"] == "workday", note=d["note"], actor=request.user
            ),
        ):
            kind = "调休上班" if d["kind"] == "workday" else "放假"
            messages.success(request, f"已登记 {d['date']:%Y-%m-%d}（{weekday_label(d['date'])}）{kind}。")
            return redirect(f"{reverse('recruitment:calendar')}?year={d['date'].year}")
    if action == "holidays" and range_form.is_valid():
        d = range_form.cleaned_data
        counts: list[tuple[int, int]] = []
        if _apply(
            range_form,
            lambda: counts.append(
                calendar_holidays_add(start=d["start"], end=d["end"], note=d["note"], actor=request.user)
            ),
        ):
            added, before = counts[0]
            text = f"已登记 {d['start']:%Y-%m-%d} 至 {d['end']:%Y-%m-%d} 放假：新增 {added} 个工作日"
            messages.success(
                request, text + (f"，{before} 天此前已登记" if before else "") + "（周末本来休息，不登记）。"
            )
            return redirect(f"{reverse('recruitment:calendar')}?year={d['start'].year}")
    entries = list(WorkCalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date"))
    return render(
        request,
        "recruitment/calendar.html",
        {
            "year": year,
            "entries": [{"entry": e, "weekday": weekday_label(e.date)} for e in entries],
            "holidays": sum(1 for e in entries if not e.is_workday),
            "workdays": sum(1 for e in entries if e.is_workday),
            "day_form": day_form,
            "range_form": range_form,
            "previous": year - 1 if year > YEARS[0] else None,
            "next": year + 1 if year < YEARS[1] else None,
        },
    )


@login_required
@role_required(*DEPARTMENT_ROLES)
@require_POST
def calendar_day_delete(request, pk: int):
    entry = get_object_or_404(WorkCalendarDay, pk=pk)
    year = entry.date.year
    try:
        calendar_day_remove(entry=entry, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        kind = "调休上班" if entry.is_workday else "放假"
        messages.success(request, f"已删除 {entry.date:%Y-%m-%d} {kind}{f'（{entry.note}）' if entry.note else ''}。")
    return redirect(f"{reverse('recruitment:calendar')}?year={year}")
