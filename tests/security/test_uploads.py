"""recruitment.uploads: the one check of an uploaded document (content, not extension; size caps per
kind; Chinese messages naming the limit), harmless file names and random storage names."""

import re

import pytest

from recruitment.errors import DomainError
from recruitment.uploads import (
    JPEG,
    MATERIAL_UPLOAD,
    MB,
    OFD,
    OPINION_UPLOAD,
    PDF,
    PNG,
    check_upload,
    random_storage_name,
    safe_filename,
)

from . import files


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("入党申请书.pdf", files.PDF, PDF),
        ("扫描件.PDF", files.PDF, PDF),
        ("照片.jpg", files.JPEG, JPEG),
        ("照片.jpeg", files.JPEG, JPEG),
        ("截图.png", files.PNG, PNG),
        ("政审函.ofd", files.OFD, OFD),
    ],
)
def test_each_allowed_kind_passes_when_name_and_content_agree(name, content, kind):
    checked = check_upload(files.upload(name, content), MATERIAL_UPLOAD)
    assert checked.kind == kind and checked.original_name == name and checked.size == len(content)


@pytest.mark.parametrize(
    "name,content,text",
    [
        ("意见.html", files.HTML, "只支持以下格式：PDF、JPEG、PNG、OFD"),
        ("setup.exe", files.EXE, "只支持以下格式"),
        ("意见.docx", files.zipped({"word/document.xml": "<w/>"}), "只支持以下格式"),
        ("无扩展名", files.PDF, "只支持以下格式"),
        ("意见.pdf", files.HTML, "“意见.pdf”的内容不是 PDF"),
        ("意见.pdf", files.EXE, "的内容不是 PDF"),
        ("意见.pdf", b"%PDF", "的内容不是 PDF"),  # the magic is "%PDF-"
        ("假.ofd", files.ZIP_NOT_OFD, "的内容不是 OFD"),
        ("坏.ofd", b"PK\x03\x04" + b"\x00" * 40, "的内容不是 OFD"),
        ("照片.png", files.JPEG, "扩展名 .png 与内容（JPEG 图片）不一致"),
        ("扫描.pdf", files.PNG, "扩展名 .pdf 与内容（PNG 图片）不一致"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_anything_else_is_refused_with_a_chinese_message(name, content, text):
    with pytest.raises(DomainError) as exc:
        check_upload(files.upload(name, content), OPINION_UPLOAD)
    assert exc.value.rules == ["INPUT"] and text in str(exc.value) and exc.value.violations[0].field == "file"


def test_the_size_caps_are_per_kind_and_named_in_the_message():
    big = files.upload("大.pdf", files.PDF + b"0" * (11 * MB))
    assert check_upload(big, MATERIAL_UPLOAD).size == big.size  # 11 MB: a material may be 20
    with pytest.raises(DomainError) as exc:
        check_upload(big, OPINION_UPLOAD)
    assert "意见文件单个文件不能超过 10 MB（“大.pdf”为 11.0 MB）" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        check_upload(files.upload("更大.pdf", files.PDF + b"0" * (21 * MB)), MATERIAL_UPLOAD)
    assert "档案材料单个文件不能超过 20 MB" in str(exc.value)


def test_the_file_can_still_be_read_from_the_start_after_the_check():
    f = files.upload("a.pdf", files.PDF)
    check_upload(f, MATERIAL_UPLOAD)
    assert f.read() == files.PDF


def test_accept_and_help_text_for_the_forms():
    assert MATERIAL_UPLOAD.accept.split(",")[:5] == [".pdf", ".jpg", ".jpeg", ".png", ".ofd"]
    assert "application/pdf" in MATERIAL_UPLOAD.accept
    assert MATERIAL_UPLOAD.help_text == "PDF、JPEG、PNG、OFD，单个不超过 20 MB"
    assert OPINION_UPLOAD.help_text.endswith("单个不超过 10 MB")


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\x.pdf", "x.pdf"),
        ("C:\\Users\\张三\\入党申请书.pdf", "入党申请书.pdf"),
        ("..", "文件"),
        ("", "文件"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("报告\u202efdp.exe", "报告fdp.exe"),  # a right-to-left override cannot disguise the extension
        ('说明<>:"|?*.pdf', "说明_______.pdf"),
        ("  .隐藏.pdf ", "隐藏.pdf"),
    ],
)
def test_safe_filename(raw, clean):
    assert safe_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    name = safe_filename("长" * 300 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_storage_names_are_random_and_tell_nothing():
    a, b = random_storage_name("archive", "../张三/入党申请书.PDF"), random_storage_name("archive", "入党申请书.pdf")
    assert re.fullmatch(r"archive/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", a) and a != b
    assert a.split("/")[1] == a.split("/")[2][:2]
    assert re.fullmatch(r"reviews/[0-9a-f]{2}/[0-9a-f]{32}", random_storage_name("reviews", "x.html"))
