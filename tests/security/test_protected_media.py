"""recruitment.http.stored_attachment: an uploaded file leaves only as an attachment, never sniffed, not
cached; streamed by the application, or handed to the reverse proxy (nginx X-Accel-Redirect to the
internal /protected-media/ location, Apache X-Sendfile) when PROTECTED_MEDIA_REDIRECT says so."""

import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.http import content_disposition_header

from applicants.models import Material
from applicants.services import material_upload
from tests.applicants.people import new_applicant

from . import files


@pytest.fixture
def material(world):
    a = new_applicant(world)
    return material_upload(
        applicant=a, step=1, kind="入党申请书", file=files.upload("申请书.pdf", files.PDF), actor=world.users.secretary
    )


def download(client, m):
    return client.get(reverse("applicants:material_download", args=[m.applicant_id, m.pk]))


def test_streamed_by_default(world, client_for, material):
    response = download(client_for(world.users.secretary), material)
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, "申请书.pdf")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response


def test_nginx_gets_an_internal_redirect_and_no_bytes(world, client_for, material, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "nginx"
    response = download(client_for(world.users.secretary), material)
    assert response.status_code == 200 and not response.streaming and response.content == b""
    assert re.fullmatch(r"/protected-media/archive/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", response["X-Accel-Redirect"])
    assert response["X-Accel-Redirect"] == f"/protected-media/{material.file.name}"
    assert response["Content-Disposition"] == content_disposition_header(True, "申请书.pdf")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_apache_gets_the_absolute_path(world, client_for, material, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "apache"
    response = download(client_for(world.users.secretary), material)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Sendfile"] == quote(default_storage.path(material.file.name))
    assert response["X-Sendfile"].startswith(quote(str(settings.MEDIA_ROOT)))
    assert response["Content-Disposition"] == content_disposition_header(True, "申请书.pdf")


def test_a_legacy_name_with_chinese_is_quoted_for_the_proxy(world, client_for, material, settings):
    """Files stored before random names keep their paths (archive/<id>/<step>/<name>): still served."""
    legacy = f"archive/{material.applicant_id}/01/旧 申请书.pdf"
    default_storage.save(legacy, ContentFile(files.PDF))
    Material.objects.filter(pk=material.pk).update(file=legacy)
    settings.PROTECTED_MEDIA_REDIRECT = "nginx"
    response = download(client_for(world.users.secretary), material)
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(legacy)
    assert "%E6%97%A7%20" in response["X-Accel-Redirect"]


def test_scope_and_login_are_checked_before_the_proxy_is_told_anything(world, client, client_for, material, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "nginx"
    anonymous = download(client, material)
    assert anonymous.status_code == 302 and "X-Accel-Redirect" not in anonymous
    outside = download(client_for(world.users.secretary_b), material)
    assert outside.status_code == 404 and "X-Accel-Redirect" not in outside


def test_a_missing_file_is_a_404_in_every_mode(world, client_for, material, settings):
    default_storage.delete(material.file.name)
    for mode in ("", "nginx", "apache"):
        settings.PROTECTED_MEDIA_REDIRECT = mode
        response = download(client_for(world.users.secretary), material)
        assert response.status_code == 404 and "X-Accel-Redirect" not in response, mode


def test_a_legacy_html_file_goes_out_as_plain_bytes(world, client_for, material):
    """Uploaded before the content check: an .html goes out as an octet-stream attachment, never text/html."""
    name = default_storage.save(f"archive/{material.applicant_id}/01/x.html", ContentFile(files.HTML))
    Material.objects.filter(pk=material.pk).update(file=name, original_name="x.html")
    response = download(client_for(world.users.secretary), material)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"


def test_the_setting_is_checked_at_start_up():
    from tests.recruitment.test_settings import run_manage

    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_PROTECTED_MEDIA_REDIRECT="lighttpd"
    )
    assert result.returncode != 0 and "DJANGO_PROTECTED_MEDIA_REDIRECT" in result.stderr
