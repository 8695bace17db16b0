"""The one way a page sends a file: ``attachment``. Every download of the apps — spreadsheets, CSV,
zip archives, uploaded materials and opinion files — goes through it, so each one is named the
same RFC 6266 / RFC 5987 way (Chinese names survive in every browser) and none is sniffed."""

from __future__ import annotations

import mimetypes
from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"


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
