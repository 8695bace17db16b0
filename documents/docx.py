""".docx documents laid out as official documents (党政机关公文格式, GB/T 9704-2012): A4; margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号 on a fixed 28.95 pt
line (22 lines a page); first-level headings 黑体, second-level 楷体_GB2312; the page number in the footer as
"— 1 —" (宋体 四号, right on odd pages, left on even ones); the issuing organization and the date right-aligned
(date four characters from the right margin). Chinese font names go into ``w:eastAsia`` of ``w:rFonts``:
Word picks the East Asian font from there, not from the Latin name."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from applicants.steps import STAGES

from .selectors import Notice, TimelineLine, cn_date, issuer_name

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
LINE = Pt(28.95)
CN_NUMBERS = "一二三四五六七八九十"


def _all_scripts(rpr, name: str) -> None:
    """The font for every script (w:eastAsia is what Word uses for Chinese)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def set_font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    _all_scripts(run._element.get_or_add_rPr(), name)


def _paragraph(doc, text: str, font: str = BODY_FONT, size=SIZE_3, *, align=None, indent: bool = True, right_chars=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if right_chars:
        fmt.right_indent = Pt(size.pt * right_chars)
    if align is not None:
        p.alignment = align
    if text:
        set_font(p.add_run(text), font, size)
    return p


def _page_number_footer(footer) -> None:
    """— PAGE — in 宋体 四号."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for part in ("— ", None, " —"):
        run = p.add_run(part or "")
        set_font(run, PAGE_NUMBER_FONT, SIZE_4)
        if part is None:
            for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
                if kind:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                else:
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = text
                run._element.append(el)
    return p


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)  # the number sits 7 mm below the last line of text
    style = doc.styles["Normal"]
    set_font_style(style, BODY_FONT, SIZE_3)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = _page_number_footer(section.footer)
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(SIZE_4.pt)  # 右空一字
    even = _page_number_footer(section.even_page_footer)
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(SIZE_4.pt)  # 左空一字
    return doc


def set_font_style(style, name: str, size) -> None:
    style.font.name = name
    style.font.size = size
    _all_scripts(style.element.get_or_add_rPr(), name)


def title(doc, text: str) -> None:
    _paragraph(doc, text, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", indent=False)  # 空一行


def heading(doc, text: str, level: int = 1) -> None:
    _paragraph(doc, text, H1_FONT if level == 1 else H2_FONT, SIZE_3)


def signature(doc, issuer: str, day: dt.date) -> None:
    """落款: the issuing organization over the date, right-aligned, the date four characters in."""
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=2)
    _paragraph(doc, cn_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def publicity_docx(notice: Notice) -> bytes:
    doc = new_document()
    doc.core_properties.title = notice.title
    title(doc, notice.title)
    _paragraph(doc, notice.lead)
    heading(doc, "一、公示对象基本情况")
    _paragraph(doc, notice.profile)
    heading(doc, "二、公示时间")
    _paragraph(doc, f"{notice.window}。" + (f"公示地点：{'、'.join(notice.places)}。" if notice.places else ""))
    heading(doc, "三、反映情况的方式")
    for line in notice.feedback:
        _paragraph(doc, line)
    _paragraph(doc, f"联系电话：{notice.phone or '　' * 8}")
    _paragraph(doc, f"联系地址：{notice.address or '　' * 12}")
    signature(doc, notice.issuer, notice.issued_on)
    return to_bytes(doc)


def timeline_docx(applicant, lines: list[TimelineLine], *, today: dt.date) -> bytes:
    """The person's 25 steps with dates and actors (发展党员工作纪实)."""
    a = applicant
    doc = new_document()
    doc.core_properties.title = f"{a.name}同志发展党员工作纪实"
    title(doc, f"{a.name}同志发展党员工作纪实")
    heading(doc, "一、基本情况")
    _paragraph(
        doc,
        f"{a.name}，{a.gender}，{a.ethnicity}，{cn_date(a.birth_date)}生，{a.education}学历，{a.occupation}，"
        f"所在党支部：{a.branch.name}。当前状态：{a.status_label}，已完成{a.current_step}/25步。",
    )
    heading(doc, "二、发展过程")
    for i, stage in enumerate(STAGES):
        heading(doc, f"（{CN_NUMBERS[i]}）{stage.name}", level=2)
        for line in (x for x in lines if x.stage == stage.number):
            if line.date is None:
                _paragraph(doc, f"{line.number}. {line.name}：尚未办理。")
                continue
            who = "，".join(
                part
                for part in (
                    f"办理组织：{line.org}" if line.org else "",
                    f"经办人：{line.actor}" if line.actor else "",
                    f"责任人：{line.responsible}" if line.responsible else "",
                    f"结果：{line.outcome}" if line.outcome else "",
                )
                if part
            )
            _paragraph(doc, f"{line.number}. {line.name}：{cn_date(line.date)}" + (f"，{who}" if who else "") + "。")
    signature(doc, issuer_name(a.branch), today)
    return to_bytes(doc)
