"""The one way a page sends a file: ``attachment``. Every download of the apps — spreadsheets, CSV,
zip archives, uploaded materials and opinion files — goes through it, so each one is named the
same RFC 6266 / RFC 5987 way (Chinese names survive in every browser) and none is sniffed.

Uploaded files go through ``stored_attachment``: the view has checked login and scope; the bytes are
streamed, or, in production behind a reverse proxy (``PROTECTED_MEDIA_REDIRECT``), handed to it with
``X-Accel-Redirect`` (nginx, to an ``internal`` location) or ``X-Sendfile`` (Apache mod_xsendfile).
No public location serves the media directory (README: Uploaded files)."""

from __future__ import annotations

import ipaddress
import mimetypes
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"
# The types an uploaded file is sent as; anything else (a legacy upload from before the content check,
# an .html among them) goes out as plain bytes.
STORED_TYPES = {"application/pdf", "image/jpeg", "image/png", "application/ofd"}


def attachment(content: bytes | IO[bytes], filename: str, content_type: str | None = None) -> HttpResponse:
    """A download named ``filename``. Bytes are sent as they are; an open file is streamed
    (FileResponse) and closed when sent. Without ``content_type`` the type follows the filename."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        guessed, _ = mimetypes.guess_type(filename)
        response = HttpResponse(bytes(content), content_type=content_type or guessed or "application/octet-stream")
    else:
        response = FileResponse(content, filename=filename, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_type(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is None and filename.lower().endswith(".ofd"):
        guessed = "application/ofd"
    return guessed if guessed in STORED_TYPES else "application/octet-stream"


def stored_attachment(field_file, filename: str) -> HttpResponse:
    """An uploaded file (a ``FieldFile``) as a download named ``filename`` (its original name). The
    caller has checked login and scope. A missing file is a 404 with a Chinese message."""
    name = getattr(field_file, "name", "") or ""
    storage = field_file.storage
    try:
        exists = bool(name) and storage.exists(name)
    except Exception as exc:  # SuspiciousFileOperation for a tampered name: as good as missing
        raise Http404("文件不存在") from exc
    if not exists:
        raise Http404("文件已丢失，请重新上传")
    content_type = stored_type(filename)
    mode = getattr(settings, "PROTECTED_MEDIA_REDIRECT", "")
    try:
        path = storage.path(name) if mode else None
    except NotImplementedError:  # a storage without local paths: stream it
        path = None
    if mode == "nginx" and path:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_URL.rstrip("/") + "/" + quote(name.replace("\\", "/"))
    elif mode == "apache" and path:
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = quote(str(path))  # mod_xsendfile unescapes (XSendFileUnescape On, its default)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文件已丢失，请重新上传") from exc
        response = attachment(handle, filename, content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def client_ip(request) -> str | None:
    """The client's address for the access log: ``REMOTE_ADDR``, or the header the reverse proxy
    overwrites (``REAL_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) when one is configured. Not an address → None."""
    header = getattr(settings, "REAL_IP_HEADER", "") or "REMOTE_ADDR"
    raw = (request.META.get(header) or request.META.get("REMOTE_ADDR") or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
