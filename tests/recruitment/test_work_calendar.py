"""The work calendar page (工作日历): department staff list a year's exceptions to Monday–Friday, add
one (放假 on a weekday, 调休上班 on a weekend day), add a holiday period, remove one (in the history);
the 公示's working days follow."""

import datetime as dt

import pytest
from django.urls import reverse

from recruitment.calendar import working_days
from recruitment.errors import DomainError
from recruitment.models import WorkCalendarDay
from recruitment.services import calendar_day_add, calendar_holidays_add

D = dt.date
PAGE = "recruitment:calendar"


def add(client, day, kind="holiday", note="", year=None):
    data = {"action": "add", "day-date": day.isoformat(), "day-kind": kind, "day-note": note}
    return client.post(reverse(PAGE) + (f"?year={year}" if year else ""), data, follow=True)


def holidays(client, start, end, note="国庆节"):
    data = {"action": "holidays", "range-start": start.isoformat(), "range-end": end.isoformat(), "range-note": note}
    return client.post(reverse(PAGE), data, follow=True)


@pytest.mark.parametrize(("who", "status"), [("secretary", 403), ("committee", 403), ("inspector", 403)])
def test_only_department_staff_maintain_the_calendar(world, client_for, who, status):
    entry = WorkCalendarDay.objects.create(date=D(2026, 10, 1), is_workday=False, note="国庆节")
    client = client_for(getattr(world.users, who))
    assert client.get(reverse(PAGE)).status_code == status
    assert add(client, D(2026, 10, 2)).status_code == status
    assert holidays(client, D(2026, 10, 5), D(2026, 10, 7)).status_code == status
    assert client.post(reverse("recruitment:calendar_delete", args=[entry.pk])).status_code == status
    assert list(WorkCalendarDay.objects.values_list("date", flat=True)) == [D(2026, 10, 1)]


def test_a_year_without_entries_is_said_to_be_provisional(world, client_for):
    page = client_for(world.users.department).get(reverse(PAGE), {"year": 2027}).content.decode()
    assert "2027年工作日历尚未维护：暂按周一至周五计算" in page


def test_department_adds_a_holiday_and_a_makeup_working_saturday_and_the_count_follows(world, client_for):
    client = client_for(world.users.department)
    # 2027-02-08 (Mon) … 2027-02-13 (Sat): five working days on Monday–Friday, provisional
    before = working_days(D(2027, 2, 8), D(2027, 2, 13))
    assert (before.count, before.provisional) == (5, True)
    page = add(client, D(2027, 2, 10), note="春节").content.decode()
    assert "已登记 2027-02-10（星期三）放假" in page
    page = add(client, D(2027, 2, 13), kind="workday", note="春节调休").content.decode()
    assert "已登记 2027-02-13（星期六）调休上班" in page
    assert "2027年已登记 2 天：放假 1 天，调休上班 1 天" in page and "春节调休" in page
    after = working_days(D(2027, 2, 8), D(2027, 2, 13))
    assert (after.count, after.provisional) == (5, False)  # Wednesday off, Saturday worked
    entry = WorkCalendarDay.objects.get(date=D(2027, 2, 13))
    assert entry.created_by == world.users.department and entry.history.first().history_user == world.users.department


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (D(2027, 2, 10), "workday", "2027-02-10 是星期三，本来就是工作日；调休上班只登记周六、周日"),
        (D(2027, 2, 14), "holiday", "2027-02-14 是星期日，本来就不上班，无需登记为放假"),
    ],
)
def test_an_entry_must_be_an_exception_to_monday_to_friday(world, client_for, day, kind, message):
    page = add(client_for(world.users.department), day, kind=kind).content.decode()
    assert message in page
    assert not WorkCalendarDay.objects.exists()


def test_a_date_is_entered_once(world, client_for):
    client = client_for(world.users.department)
    add(client, D(2027, 1, 1), note="元旦")
    page = add(client, D(2027, 1, 1)).content.decode()
    assert "2027-01-01 已登记为放假（元旦）；如需修改请先删除" in page
    assert WorkCalendarDay.objects.count() == 1


def test_a_holiday_week_is_entered_at_once_weekdays_only(world, client_for):
    client = client_for(world.users.department)
    add(client, D(2026, 10, 1), note="国庆节")
    page = holidays(client, D(2026, 10, 1), D(2026, 10, 7)).content.decode()  # Thursday … Wednesday
    assert "新增 4 个工作日，1 天此前已登记" in page
    assert sorted(WorkCalendarDay.objects.values_list("date", flat=True)) == [
        D(2026, 10, 1),
        D(2026, 10, 2),
        D(2026, 10, 5),
        D(2026, 10, 6),
        D(2026, 10, 7),
    ]
    assert working_days(D(2026, 9, 28), D(2026, 10, 9)).count == 5  # 9-28 … 9-30, 10-8, 10-9


def test_a_holiday_period_is_refused_when_it_contradicts_or_is_too_long(world, client_for):
    client = client_for(world.users.department)
    add(client, D(2026, 10, 10), kind="workday", note="国庆调休")
    assert "期间内已登记调休上班：2026-10-10" in holidays(client, D(2026, 10, 5), D(2026, 10, 11)).content.decode()
    assert "结束日期不能早于开始日期" in holidays(client, D(2026, 10, 7), D(2026, 10, 1)).content.decode()
    assert "一次最多登记 31 天（当前 32 天）" in holidays(client, D(2026, 7, 1), D(2026, 8, 1)).content.decode()
    assert "本来就不上班，无需登记" in holidays(client, D(2026, 10, 17), D(2026, 10, 18)).content.decode()
    assert list(WorkCalendarDay.objects.values_list("date", flat=True)) == [D(2026, 10, 10)]


def test_removing_an_entry_is_kept_in_the_history_with_who_removed_it(world, client_for):
    client = client_for(world.users.department)
    add(client, D(2027, 5, 3), note="劳动节")
    entry = WorkCalendarDay.objects.get()
    page = client.post(reverse("recruitment:calendar_delete", args=[entry.pk]), follow=True).content.decode()
    assert "已删除 2027-05-03 放假（劳动节）" in page
    assert not WorkCalendarDay.objects.exists()
    removed = WorkCalendarDay.history.filter(date=D(2027, 5, 3)).order_by("history_date")
    assert [h.history_type for h in removed] == ["+", "-"]
    assert removed.last().history_user == world.users.department
    assert client.post(reverse("recruitment:calendar_delete", args=[entry.pk])).status_code == 404
    assert client.get(reverse("recruitment:calendar_delete", args=[entry.pk])).status_code == 405


def test_services_refuse_anyone_but_department_staff(world):
    with pytest.raises(DomainError, match="只有组织部工作人员"):
        calendar_day_add(day=D(2027, 1, 1), is_workday=False, actor=world.users.committee)
    with pytest.raises(DomainError, match="只有组织部工作人员"):
        calendar_holidays_add(start=D(2027, 1, 1), end=D(2027, 1, 3), actor=world.users.secretary)


def test_a_bad_year_in_the_address_shows_a_year_in_range(world, client_for):
    client = client_for(world.users.department)
    assert client.get(reverse(PAGE), {"year": "abc"}).context["year"] == 2026
    response = client.get(reverse(PAGE), {"year": "99999"})
    assert response.context["year"] == 2026  # said so (年份无效), not clamped silently to 2100
    assert "年份无效：“99999”" in response.content.decode()
