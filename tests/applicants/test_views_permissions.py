"""Who may open and change what: role × endpoint × in/out of scope → 200/302, 403 or 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applicants.services import material_upload

from .people import placed

USERS = ["secretary", "committee", "department", "inspector", "secretary_b", "committee_b"]
# Which users see an applicant of branch A1 / B1.
SEES = {
    "a1": {"secretary", "committee", "department", "inspector"},
    "b1": {"secretary_b", "committee_b", "department", "inspector"},
}
READ = ["detail", "archive", "archive_zip", "material_download"]
WRITE = [
    "update_get",
    "update_post",
    "step_branch",
    "step_committee",
    "add_assessment",
    "add_training",
    "terminate",
    "transfer",
    "material_upload",
]


@pytest.fixture
def people(world):
    today = timezone.localdate()
    out = {}
    for key, branch in [("a1", world.a1), ("b1", world.b1)]:
        a = placed(
            world,
            step=3,
            branch=branch,
            name=f"人员{key}",
            applied_on=today - dt.timedelta(days=400),
            activist_on=today - dt.timedelta(days=100),
            last_step_on=today - dt.timedelta(days=100),
        )
        m = material_upload(
            applicant=a, step=1, kind="入党申请书", file=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 x"), actor=None
        )
        out[key] = (a, m)
    return out


def request(client, endpoint, a, m):
    today = timezone.localdate().isoformat()
    pk = a.pk
    if endpoint == "detail":
        return client.get(reverse("applicants:detail", args=[pk]))
    if endpoint == "archive":
        return client.get(reverse("applicants:archive", args=[pk]))
    if endpoint == "archive_zip":
        return client.get(reverse("applicants:archive_zip", args=[pk]))
    if endpoint == "material_download":
        return client.get(reverse("applicants:material_download", args=[pk, m.pk]))
    if endpoint == "update_get":
        return client.get(reverse("applicants:update", args=[pk]))
    if endpoint == "update_post":
        return client.post(reverse("applicants:update", args=[pk]), {"name": "改名"})
    if endpoint == "step_branch":  # step 5 is a branch step; the data is invalid on purpose: a form error, not a write
        return client.post(reverse("applicants:record_step", args=[pk, 5]), {"step-date": today})
    if endpoint == "step_committee":
        return client.post(reverse("applicants:record_step", args=[pk, 4]), {"step-date": today})
    if endpoint == "add_assessment":
        return client.post(
            reverse("applicants:add_assessment", args=[pk]), {"assess-date": today, "assess-result": "好"}
        )
    if endpoint == "add_training":
        return client.post(
            reverse("applicants:add_training", args=[pk]),
            {"training-start": today, "training-end": today, "training-hours": "8"},
        )
    if endpoint == "terminate":
        return client.post(
            reverse("applicants:terminate", args=[pk]), {"terminate-outcome": "not_developed", "terminate-date": today}
        )
    if endpoint == "transfer":
        return client.post(reverse("applicants:transfer", args=[pk]), {"transfer-date": today})
    if endpoint == "material_upload":
        return client.post(
            reverse("applicants:material_upload", args=[pk]),
            {"material-step": 1, "material-kind": "入党申请书", "material-file": SimpleUploadedFile("a.pdf", b"%PDF")},
        )
    raise AssertionError(endpoint)


def expected(user: str, endpoint: str, where: str) -> int | tuple[int, ...]:
    visible = user in SEES[where]
    if endpoint in WRITE:
        if user == "inspector":
            return 403
        if not visible:
            return 404
        if endpoint == "step_committee" and user.startswith("secretary"):
            return 403
        return (200, 302)
    return 200 if visible else 404


@pytest.mark.parametrize("where", ["a1", "b1"])
@pytest.mark.parametrize("endpoint", READ + WRITE)
@pytest.mark.parametrize("user", USERS)
def test_permission_matrix(world, people, client_for, user, endpoint, where):
    a, m = people[where]
    response = request(client_for(getattr(world.users, user)), endpoint, a, m)
    want = expected(user, endpoint, where)
    assert response.status_code in (want if isinstance(want, tuple) else (want,)), (
        user,
        endpoint,
        where,
        response.status_code,
    )


@pytest.mark.parametrize("url", ["applicants:list", "applicants:todo", "applicants:create", "applicants:id_check"])
def test_anonymous_users_are_sent_to_login(db, client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_post_writes_nothing(world, people, client):
    a, _ = people["a1"]
    response = client.post(reverse("applicants:record_step", args=[a.pk, 4]), {"step-date": "2026-01-01"})
    assert response.status_code == 302 and not a.steps.filter(step=4).exists()


def test_inspector_cannot_open_the_add_form(world, client_for):
    assert client_for(world.users.inspector).get(reverse("applicants:create")).status_code == 403
    assert client_for(world.users.inspector).post(reverse("applicants:create"), {"name": "x"}).status_code == 403


def test_material_of_another_applicant_is_404_through_this_applicant(world, people, client_for):
    a, _ = people["a1"]
    _, other_material = people["b1"]
    response = client_for(world.users.department).get(
        reverse("applicants:material_download", args=[a.pk, other_material.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name,args",
    [
        ("record_step", [5]),
        ("add_assessment", []),
        ("add_training", []),
        ("terminate", []),
        ("transfer", []),
        ("material_upload", []),
    ],
)
def test_get_on_a_form_address_goes_to_the_person_page_other_methods_are_405(world, people, client_for, name, args):
    """A refused form is shown at its POST address: reloading it, a bookmark or going back asks
    with GET and lands on the person's page, not on a blank 405."""
    a, _ = people["a1"]
    client = client_for(world.users.secretary)
    url = reverse(f"applicants:{name}", args=[a.pk, *args])
    resp = client.get(url)
    assert resp.status_code == 302 and resp["Location"] == reverse("applicants:detail", args=[a.pk])
    assert client.put(url).status_code == 405
    b, _ = people["b1"]
    assert client.get(reverse(f"applicants:{name}", args=[b.pk, *args]), follow=True).status_code == 404  # out of scope
