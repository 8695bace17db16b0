"""Pages: red/watch list (scoped, filterable, Excel), a branch's history and follow-ups, the task
page whose button survives a dead broker, and the 消息 inbox with its badge."""

import datetime as dt
import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import FollowUp, JobRun, JobStatus, Notification
from jobs.notify import jobs_requeue, notification_add
from jobs.stale import stale_scan_run

from .conftest import admitted, broker, person

D = dt.date
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def scanned(world):
    admitted(world.a2, D(2024, 6, 1))
    person(world.a2, step=4)
    stale_scan_run(as_of=D(2026, 11, 22))
    return world  # red: A1, B1; watch: A2 (2y)


def test_committee_sees_only_its_subtree_on_the_red_watch_list(scanned, client_for):
    page = client_for(scanned.users.committee).get(reverse("jobs:stale_list")).content.decode()
    assert "甲村党支部" in page and "甲公司党支部" in page
    assert "乙公司党支部" not in page


def test_department_filters_the_list_by_level_and_committee(scanned, client_for):
    c = client_for(scanned.users.department)
    red = c.get(reverse("jobs:stale_list"), {"level": "red"}).content.decode()
    assert "甲村党支部" in red and "乙公司党支部" in red and "甲公司党支部" not in red
    only_b = c.get(reverse("jobs:stale_list"), {"committee": "B"}).content.decode()
    assert "乙公司党支部" in only_b and "甲村党支部" not in only_b


def test_list_exports_to_excel_with_last_admission_and_reserve(scanned, client_for):
    resp = client_for(scanned.users.department).get(reverse("jobs:stale_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
    assert rows[0][:3] == ("编码", "党支部", "所属党(工)委")
    a2 = next(r for r in rows if r[0] == "A2")
    assert a2[5] == "关注（定期跟踪）" and a2[7].date() == D(2024, 6, 1) and a2[8] == 1


def test_list_and_branch_page_say_where_the_last_recruit_comes_from_or_that_history_is_unknown(world, client_for):
    from .conftest import member

    member(world.a2, D(2024, 6, 1))  # on the register only
    stale_scan_run(as_of=D(2026, 11, 22))
    c = client_for(world.users.department)
    page = c.get(reverse("jobs:stale_list")).content.decode()
    assert "2024-06-01" in page and "党员名册入党日期" in page  # A2: watch, from the register
    assert "发展历史不详（须补录最近发展党员日期）" in page  # A1, B1: nothing known
    assert "成立以来未发展" not in page
    a1 = c.get(reverse("jobs:stale_org", args=["A1"])).content.decode()
    assert "发展历史不详" in a1 and "补录“最近发展党员日期”" in a1
    rows = list(load_workbook(io.BytesIO(c.get(reverse("jobs:stale_list"), {"export": "xlsx"}).content)).active.values)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["A1"][7] == "不详" and by_code["A2"][-1] == "党员名册入党日期"


@pytest.mark.parametrize(("role", "status"), [("secretary", 403), ("inspector", 200), ("committee", 200)])
def test_list_is_for_staff_and_inspectors(scanned, client_for, role, status):
    assert client_for(getattr(scanned.users, role)).get(reverse("jobs:stale_list")).status_code == status


def test_branch_outside_the_users_subtree_is_404(scanned, client_for):
    resp = client_for(scanned.users.committee_b).get(reverse("jobs:stale_org", args=["A1"]))
    assert resp.status_code == 404


def test_committee_staff_records_a_follow_up_shown_in_the_branch_history(scanned, client_for):
    c = client_for(scanned.users.committee)
    url = reverse("jobs:stale_org", args=["A1"])
    resp = c.post(url, {"date": "2026-11-20", "note": "到村调研，确定2名入党积极分子"})
    assert resp.status_code == 302
    f = FollowUp.objects.get()
    assert (f.org, f.author, f.date) == (scanned.a1, scanned.users.committee, D(2026, 11, 20))
    page = c.get(url).content.decode()
    assert "到村调研" in page and "列入红色名单" in page


def test_follow_up_dated_in_the_future_is_refused_with_a_message(scanned, client_for):
    resp = client_for(scanned.users.committee).post(
        reverse("jobs:stale_org", args=["A1"]), {"date": "2099-01-01", "note": "x"}
    )
    assert resp.status_code == 200 and "不能晚于今天" in resp.content.decode()
    assert not FollowUp.objects.exists()


def test_inspector_cannot_record_follow_ups(scanned, client_for):
    resp = client_for(scanned.users.inspector).post(
        reverse("jobs:stale_org", args=["A1"]), {"date": "2026-11-20", "note": "x"}
    )
    assert resp.status_code == 403


# --- the on-demand button -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_button_with_the_broker_down_reports_it_and_keeps_a_pending_job(world, client_for):
    c = client_for(world.users.department)
    started = time.monotonic()
    with broker(CLOSED_PORT):
        resp = c.post(reverse("jobs:job_start"), {"kind": "compliance"}, follow=True)
    assert time.monotonic() - started < 15
    assert resp.status_code == 200
    assert "消息队列暂不可用，已记录，稍后自动重试" in resp.content.decode()
    job = JobRun.objects.get()
    assert (job.status, job.enqueue_attempts, job.requested_by) == (JobStatus.PENDING, 1, world.users.department)
    assert "消息队列不可用" in job.error


def test_pending_job_is_queued_by_the_sweeper_once_the_broker_answers(world):
    job = JobRun.objects.create(kind="compliance", period="2026-11", requested_by=world.users.department)
    with broker(CLOSED_PORT):
        assert jobs_requeue()["jobs"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    with broker("memory://"):
        assert jobs_requeue()["jobs"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueue_attempts == 2 and job.error == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_button_with_a_working_broker_queues_the_job_and_shows_its_progress(world, client_for):
    c = client_for(world.users.department)
    with broker("memory://"):
        resp = c.post(reverse("jobs:job_start"), {"kind": "compliance"}, follow=True)
    job = JobRun.objects.get()
    assert job.status == JobStatus.QUEUED
    page = resp.content.decode()
    assert "已提交" in page and "结构比例与预警月报" in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize("role", ["committee", "secretary", "inspector"])
def test_only_department_staff_may_start_jobs(world, client_for, role):
    c = client_for(getattr(world.users, role))
    assert c.post(reverse("jobs:job_start"), {"kind": "compliance"}).status_code == 403
    assert c.get(reverse("jobs:jobs")).status_code == 403
    assert not JobRun.objects.exists()


# --- inbox --------------------------------------------------------------------------------------


def test_unread_count_badge_in_nav_and_opening_marks_read(world, client_for):
    user = world.users.secretary
    note = notification_add(
        user=user, key="deadline:2026-11-22:A1", title="待办提醒：3 项", body="张三：谈话到期", link="/applicants/"
    )
    notification_add(user=user, key="deadline:2026-11-23:A1", title="待办提醒：1 项", body="李四")
    notification_add(user=world.users.committee, key="x", title="别人的", body="")
    c = client_for(user)
    home = c.get(reverse("home")).content.decode()
    assert 'text-bg-warning">2</span>' in home
    page = c.get(reverse("jobs:notification", args=[note.pk])).content.decode()
    assert "张三：谈话到期" in page
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1
    c.post(reverse("jobs:inbox_read_all"))
    assert 'text-bg-warning">' not in c.get(reverse("jobs:inbox")).content.decode().split("<main")[0]


def test_someone_elses_notification_is_404(world, client_for):
    note = notification_add(user=world.users.committee, key="x", title="t", body="b")
    assert client_for(world.users.secretary).get(reverse("jobs:notification", args=[note.pk])).status_code == 404


def test_home_shows_the_red_watch_widget_for_staff(scanned, client_for):
    page = client_for(scanned.users.committee).get(reverse("home")).content.decode()
    assert "未发展党员预警组织" in page


def test_a_job_queued_for_more_than_two_minutes_says_to_check_the_worker(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    job = JobRun.objects.create(
        kind="compliance",
        period="2026-11",
        requested_by=world.users.department,
        status=JobStatus.QUEUED,
        queued_at=timezone.now() - timedelta(seconds=100),
    )
    c = client_for(world.users.department)
    assert "Celery worker" not in c.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    JobRun.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=3))
    assert (
        "请确认后台任务进程（Celery worker）正在运行"
        in c.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    )
