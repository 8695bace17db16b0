"""The .docx documents (公示 notice, a person's timeline) follow GB/T 9704: A4, the margins, the fonts by
their East Asian name (w:eastAsia), sizes, the page number in the footer, the 落款 right-aligned."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from applicants.models import AccessLog, StepRecord
from tests.applicants.people import placed

D = dt.date


def east_asian(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def open_docx(response) -> Document:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return Document(io.BytesIO(response.content))


@pytest.fixture
def activist(world):
    return placed(world, step=6, name="王小红", applied_on=D(2024, 3, 1), activist_on=D(2024, 9, 2))


def test_the_notice_is_an_official_document(world, client_for, activist):
    doc = open_docx(
        client_for(world.users.secretary).get(reverse("documents:publicity_docx", args=[activist.pk, "candidate"]))
    )
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]  # fmt: skip
    paragraphs = [p for p in doc.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == "关于王小红同志拟确定为发展对象的公示"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    body = paragraphs[1]
    assert east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    headings = {p.text: east_asian(p.runs[0]) for p in paragraphs if p.text.startswith(("一、", "二、", "三、"))}
    assert headings == {"一、公示对象基本情况": "黑体", "二、公示时间": "黑体", "三、反映情况的方式": "黑体"}
    text = "\n".join(p.text for p in paragraphs)
    assert "2026年11月23日至2026年11月27日（5个工作日）" in text
    assert activist.id_number not in text
    issuer, date = paragraphs[-2], paragraphs[-1]
    assert (issuer.text, date.text) == ("中共甲村党支部", "2026年11月23日")
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    assert footer.text == "—  —" and "PAGE" in footer._element.xml  # — PAGE — (a field)
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert AccessLog.objects.filter(applicant=activist, kind="download", what__contains="Word").count() == 1


def test_the_timeline_lists_the_25_steps_with_dates_and_actors(world, client_for, activist):
    StepRecord.objects.filter(applicant=activist, step=1).update(date=D(2024, 3, 1), actor=world.users.secretary)
    sec = str(world.users.secretary)
    StepRecord.objects.create(applicant=activist, step=2, date=D(2024, 3, 20), actor=world.users.secretary,
                              responsible="李书记", acting_org=world.a1)  # fmt: skip
    doc = open_docx(client_for(world.users.inspector).get(reverse("documents:timeline_docx", args=[activist.pk])))
    paragraphs = [p for p in doc.paragraphs if p.text]
    assert paragraphs[0].text == "王小红同志发展党员工作纪实"
    text = "\n".join(p.text for p in paragraphs)
    first = next(p.text for p in paragraphs if p.text.startswith("1. "))
    assert first.startswith("1. 递交入党申请书：2024年3月1日，") and f"经办人：{world.users.secretary}" in first
    assert f"2. 党组织派人谈话：2024年3月20日，办理组织：甲村党支部，经办人：{sec}，责任人：李书记。" in text
    assert "25. 材料归档：尚未办理。" in text
    second = [p for p in paragraphs if p.text.startswith("（")]
    assert [p.text for p in second][:2] == ["（一）申请入党", "（二）入党积极分子的确定和培养教育"]
    assert all(east_asian(p.runs[0]) == "楷体_GB2312" for p in second)
    assert paragraphs[-1].text == "2026年11月22日" and paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.parametrize("who, status", [("secretary_b", 404), ("committee_b", 404), ("inspector", 200)])
def test_who_may_download_the_word_files(world, client_for, activist, who, status):
    client = client_for(getattr(world.users, who))
    assert client.get(reverse("documents:timeline_docx", args=[activist.pk])).status_code == status
    assert client.get(reverse("documents:publicity_docx", args=[activist.pk, "candidate"])).status_code == status
