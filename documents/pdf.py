"""HTML → PDF with WeasyPrint, offline: the page's stylesheet and fonts come from ``static/`` on disk,
and any other address (http, https, file outside static) is refused — a generated document never
makes a network call. The CJK glyphs come from the system's fonts (fontconfig: Noto CJK or WenQuanYi,
installed by ``make setup``); WeasyPrint embeds the subset it uses, so the PDF reads on a machine
without them."""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_PREFIX = "static:"
# WeasyPrint reports every stage of every rendering at INFO: keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _static_file(url: str) -> Path:
    """The file for ``static:<path>``; anything else is refused."""
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"refused to fetch {url!r}: generated documents load static files only")
    rel = url[len(STATIC_PREFIX) :].split("?")[0].lstrip("/")
    found = finders.find(rel) if rel and ".." not in Path(rel).parts else None
    if not found:
        raise ValueError(f"no static file {rel!r}")
    return Path(found)


def local_fetcher():
    """A WeasyPrint URL fetcher that serves ``static:<path>`` from disk and refuses http(s), file and
    data addresses alike (``fail_on_errors``: a refused address stops the rendering)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = _static_file(url)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path.name)})

    return LocalFetcher(fail_on_errors=True)


def _mime(name: str) -> str:
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}.get(Path(name).suffix, "")


def render_pdf(template: str, context: dict) -> bytes:
    """The template rendered to a PDF. The template links its stylesheet as ``static:css/…``."""
    from weasyprint import HTML  # imported here: pango is loaded only when a PDF is made

    html = render_to_string(template, context)
    return HTML(string=html, base_url=f"{STATIC_PREFIX}/", url_fetcher=local_fetcher()).write_pdf()
