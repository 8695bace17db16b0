"""The one check of an uploaded document (the archive's scanned materials, the opinion files of the
reviews): what the bytes are, not what the name says. ``check_upload`` is called by every service that
stores a file (``applicants.services.material_upload``/``material_replace``, ``reviews.services.opinion_record``
and ``household_opinion_record``); forms may add an ``accept`` attribute (``UploadRule.accept``), but the
service decides.

Allowed: PDF (``%PDF-`` at the start), JPEG and PNG (sniffed with ``filetype``), OFD (a zip whose root
holds an ``OFD.xml`` in the OFD namespace). The name's extension must agree with the content, and each
rule has its own size cap; every refusal is one ``DomainError`` naming the limit in plain Chinese.

Stored files get a random name (``random_storage_name``): nothing in the path comes from an id or the
uploader's file name, and the original name is kept in the database for the download."""

from __future__ import annotations

import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype

from .errors import DomainError

MB = 1024 * 1024
HEAD_BYTES = 8192  # enough for every signature below
OFD_NAMESPACE = b"http://www.ofdspec.org/2016"


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    extensions: tuple[str, ...]
    mime: str


PDF = FileKind("pdf", "PDF", (".pdf",), "application/pdf")
JPEG = FileKind("jpeg", "JPEG 图片", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("png", "PNG 图片", (".png",), "image/png")
OFD = FileKind("ofd", "OFD", (".ofd",), "application/ofd")
KINDS = (PDF, JPEG, PNG, OFD)
STORED_EXTENSIONS = frozenset(ext for k in KINDS for ext in k.extensions)


@dataclass(frozen=True)
class UploadRule:
    what: str  # 档案材料 / 意见文件: named in every message
    max_bytes: int
    kinds: tuple[FileKind, ...] = KINDS

    @property
    def formats(self) -> str:
        return "、".join(k.label.removesuffix(" 图片") for k in self.kinds)

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(ext for k in self.kinds for ext in k.extensions)

    @property
    def accept(self) -> str:
        """For ``<input type=file accept=…>``: a hint to the browser's file picker, nothing more."""
        return ",".join([*self.extensions, *(k.mime for k in self.kinds)])

    @property
    def accept_with_camera(self) -> str:
        """``accept`` that also offers a phone's camera and photo library (``image/*``); the content
        check still takes only the kinds above."""
        return ",".join(["image/*", *(k.mime for k in self.kinds if not k.mime.startswith("image/")), *self.extensions])

    @property
    def help_text(self) -> str:
        return f"{self.formats}，单个不超过 {self.max_bytes // MB} MB"


MATERIAL_UPLOAD = UploadRule("档案材料", 20 * MB)
OPINION_UPLOAD = UploadRule("意见文件", 10 * MB)


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    original_name: str  # cleaned (``safe_filename``), for the database and the download
    size: int


# --- names ------------------------------------------------------------------------------------------------
_UNSAFE = set('<>:"|?*')


def safe_filename(name: str, fallback: str = "文件", max_length: int = 120) -> str:
    """One harmless path component from a name someone else chose: directories (``/`` and ``\\``),
    ``..``, control and format characters (bidi overrides included) are dropped, characters Windows
    refuses become ``_``, Chinese and other letters stay. Never empty, never ``.``/``..``."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(
        "_" if ch in _UNSAFE else ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp", "Cs"}
    )
    text = text.strip().strip(".").strip()
    if not text:
        return fallback
    if len(text) > max_length:
        stem, dot, ext = text.rpartition(".")
        keep = f".{ext}" if dot and stem and len(ext) <= 10 else ""
        text = text[: max_length - len(keep)].rstrip(". ") + keep
    return text


def random_storage_name(prefix: str, filename: str) -> str:
    """``<prefix>/<2 hex>/<32 hex><ext>``: guessable from nothing. The extension is kept only when it is
    one of the allowed kinds' (``check_upload`` has already made it agree with the content)."""
    token = uuid.uuid4().hex
    suffix = PurePosixPath(str(filename or "").replace("\\", "/")).suffix.lower()
    return f"{prefix}/{token[:2]}/{token}{suffix if suffix in STORED_EXTENSIONS else ''}"


# --- content ----------------------------------------------------------------------------------------------
def _read_head(file) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else bytes(head or b"")


def _is_ofd(file) -> bool:
    """A zip whose root holds OFD.xml with the OFD namespace (GB/T 33190). Reads the central directory
    and at most 4 KB of OFD.xml, whatever the archive claims."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as zf:
            entry = next((i for i in zf.infolist() if i.filename == "OFD.xml"), None)
            if entry is None:
                return False
            with zf.open(entry) as fh:
                head = fh.read(4096)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return False
    finally:
        file.seek(0)
    return OFD_NAMESPACE in head and b"OFD" in head


def sniff(file) -> FileKind | None:
    """The allowed kind the bytes are, or None."""
    head = _read_head(file)
    guess = filetype.guess(head) if head else None
    mime = guess.mime if guess else ""
    if head.startswith(b"%PDF-") and mime == PDF.mime:
        return PDF
    if mime == JPEG.mime:
        return JPEG
    if mime == PNG.mime:
        return PNG
    if head.startswith(b"PK\x03\x04") and _is_ofd(file):
        return OFD
    return None


def _refuse(message: str, field: str) -> DomainError:
    return DomainError.single("INPUT", message, field=field)


def check_upload(file, rule: UploadRule, *, field: str = "file") -> CheckedUpload:
    """Refuse (``DomainError``, nothing read beyond the first 8 KB) anything but an allowed kind whose
    extension agrees with its content and whose size is within the rule's cap."""
    name = safe_filename(getattr(file, "name", "") or "")
    size = int(getattr(file, "size", 0) or 0)
    limit_mb = rule.max_bytes // MB
    if size > rule.max_bytes:
        raise _refuse(f"{rule.what}单个文件不能超过 {limit_mb} MB（“{name}”为 {size / MB:.1f} MB）", field)
    if size == 0:
        raise _refuse(f"“{name}”是空文件，请重新选择{rule.what}", field)
    suffix = PurePosixPath(name).suffix.lower()
    declared = next((k for k in rule.kinds if suffix in k.extensions), None)
    if declared is None:
        raise _refuse(
            f"只支持以下格式：{rule.formats}（文件名以 {' '.join(rule.extensions)} 结尾），“{name}”不能作为{rule.what}上传",
            field,
        )
    actual = sniff(file)
    if actual is None:
        raise _refuse(
            f"“{name}”的内容不是 {declared.label}（只支持 {rule.formats}），可能是改了扩展名的其他文件，不能作为{rule.what}上传",
            field,
        )
    if actual != declared:
        raise _refuse(f"“{name}”的扩展名 {suffix} 与内容（{actual.label}）不一致，请改正扩展名后重新上传", field)
    return CheckedUpload(kind=actual, original_name=name, size=size)
