"""Every download goes through ``recruitment.http.attachment``: named the RFC 6266/5987 way (Chinese
names included), never sniffed, and an open file is streamed."""

import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.http import content_disposition_header

from recruitment.http import XLSX, attachment


def test_bytes_are_sent_with_a_safe_chinese_name():
    response = attachment(b"PK..", "发展党员台账_20260101.xlsx", XLSX)
    assert response["Content-Disposition"] == content_disposition_header(True, "发展党员台账_20260101.xlsx")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E5%8F%91")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == XLSX and response.content == b"PK.."


def test_the_type_follows_the_name_when_not_given():
    assert attachment(b"a,b\r\n", "x.csv")["Content-Type"].startswith("text/csv")
    assert attachment(b"\x00", "无扩展名")["Content-Type"] == "application/octet-stream"


def test_an_open_file_is_streamed():
    response = attachment(ContentFile(b"%PDF-1.4", name="ignored.bin"), "入党申请书.pdf")
    assert response.streaming and b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, "入党申请书.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_quote_in_a_name_cannot_break_the_header():
    header = attachment(b"", 'a"b\r\nSet-Cookie: x.xlsx')["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and header.startswith("attachment; filename")


def sent_filename(disposition: str) -> str:
    kind, _, name = disposition.partition("; ")
    assert kind == "attachment", disposition
    if name.startswith("filename*=utf-8''"):
        return unquote(name.removeprefix("filename*=utf-8''"))
    return name.removeprefix('filename="').removesuffix('"')


DOWNLOADS = [
    ("applicants:list", {"export": "xlsx"}, "发展党员台账_"),
    ("applicants:todo", {"export": "xlsx"}, "待办提醒_"),
    ("recruitment:org_list", {"export": "xlsx"}, "organizations.xlsx"),
    ("recruitment:org_import_template", {}, "org_import_template.xlsx"),
    ("recruitment:member_list", {"export": "xlsx"}, "party_members.xlsx"),
    ("ledger:export", {"format": "xlsx"}, "ledger-all-"),
    ("ledger:export", {"format": "csv"}, "ledger-all-"),
    ("ledger:template", {}, "ledger_template.xlsx"),
    ("reviews:ledger", {"year": 2026, "export": "xlsx"}, "ledger_2026.xlsx"),
    ("quotas:plan_log", {"export": "xlsx"}, "plan_changes.xlsx"),
    ("quotas:dashboard", {"year": 2026, "export": "xlsx"}, "compliance_ROOT_2026.xlsx"),
]


@pytest.mark.parametrize("name,params,filename", DOWNLOADS)
def test_every_export_is_an_attachment_that_is_not_sniffed(world, client_for, name, params, filename):
    response = client_for(world.users.department).get(reverse(name), params)
    assert response.status_code == 200, name
    assert sent_filename(response["Content-Disposition"]).startswith(filename)
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content
    if params.get("format") == "csv":
        assert response["Content-Type"].startswith("text/csv") and body.startswith(b"\xef\xbb\xbf")
    else:
        from openpyxl import load_workbook

        assert response["Content-Type"] == XLSX and load_workbook(io.BytesIO(body)).sheetnames
