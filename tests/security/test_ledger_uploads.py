"""The ledger upload waits in LEDGER_UPLOAD_DIR between preview and confirm; it is removed on confirm,
on cancel, at once when there is nothing to confirm, when the session holds more than five, and by age
(older than a day) whenever a new upload arrives."""

import os
import time

import pytest
from django.test import Client
from django.urls import reverse

from applicants.ledger_views import KEEP_PENDING, purge_stale_uploads
from recruitment.idcard import make_id_number
from tests.applicants.test_ledger_import import row
from tests.applicants.test_ledger_views import D, upload


@pytest.fixture
def waiting(settings, tmp_path):
    settings.LEDGER_UPLOAD_DIR = tmp_path / "waiting"
    return settings.LEDGER_UPLOAD_DIR


def files_in(folder) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_purge_removes_only_what_is_older_than_a_day(waiting):
    waiting.mkdir()
    old, fresh, sub = waiting / "old", waiting / "fresh", waiting / "sub"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    sub.mkdir()
    age(old, 86400 + 60)
    age(fresh, 86400 - 60)
    assert purge_stale_uploads() == 1
    assert files_in(waiting) == {"fresh", "sub"}


def test_confirm_and_cancel_delete_the_file(world, client_for, tmp_path, waiting):
    client = client_for(world.users.secretary)
    token = upload(client, tmp_path, [row()]).context["token"]
    assert files_in(waiting) == {token}
    client.post(reverse("ledger:confirm"), {"token": token})
    assert files_in(waiting) == set()
    other = make_id_number(D(1991, 1, 1), "男")
    token = upload(client, tmp_path, [row(公民身份号码=other, birth=D(1991, 1, 1))]).context["token"]
    page = client.post(reverse("ledger:cancel"), {"token": token}, follow=True).content.decode()
    assert "已取消本次导入，上传的文件已删除" in page and files_in(waiting) == set()
    assert client.post(reverse("ledger:confirm"), {"token": token}, follow=True).content.decode().count("已失效") == 1


def test_a_preview_with_nothing_to_import_keeps_nothing(world, client_for, tmp_path, waiting):
    client = client_for(world.users.secretary)
    response = upload(client, tmp_path, [row(党组织编码="B1")])  # outside the subtree: no valid row
    assert response.context["result"].ok_rows == 0 and response.context["token"] == ""
    assert files_in(waiting) == set() and reverse("ledger:cancel") not in response.content.decode()


def test_a_session_keeps_at_most_five_uploads_waiting(world, client_for, tmp_path, waiting):
    client = client_for(world.users.secretary)
    tokens = [upload(client, tmp_path, [row()]).context["token"] for _ in range(KEEP_PENDING + 2)]
    assert files_in(waiting) == set(tokens[-KEEP_PENDING:])


def test_cancel_cannot_delete_another_sessions_upload(world, client_for, tmp_path, waiting):
    token = upload(client_for(world.users.secretary), tmp_path, [row()]).context["token"]
    other = Client()
    other.force_login(world.users.committee)
    other.post(reverse("ledger:cancel"), {"token": token})
    other.post(reverse("ledger:cancel"), {"token": "../" + token})
    assert files_in(waiting) == {token}
    assert other.get(reverse("ledger:cancel")).status_code == 405
    inspector = Client()
    inspector.force_login(world.users.inspector)
    assert inspector.post(reverse("ledger:cancel"), {"token": token}).status_code == 403
