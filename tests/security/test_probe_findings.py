"""Findings of the outside probe of 2026-11-30 (issue 12), one test each: every one failed before its fix."""

import pytest
from django.urls import reverse

from recruitment.errors import DomainError
from reviews.models import NegativeListHit
from reviews.services import negative_list_check
from tests.clock import TODAY
from tests.reviews.conftest import ON


def test_revoking_a_negative_list_hit_works_and_stays_inside_the_scope(
    world, make_candidate, negative_item, client_for
):
    a = make_candidate(until=9)
    negative_list_check(
        applicant=a,
        hits=[negative_item],
        hit_notes="曾受刑事处罚",
        checked_on=ON,
        actor=world.users.committee,
        today=TODAY,
    )
    hit = NegativeListHit.objects.get(applicant=a)
    url = reverse("reviews:hit_revoke", args=[hit.pk])
    assert client_for(world.users.committee_b).post(url, {"reason": "误录"}).status_code == 404  # other subtree
    response = client_for(world.users.committee).post(url, {"reason": "误录，经核实不属于该情形"})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.revoked_by == world.users.committee and hit.revoke_reason == "误录，经核实不属于该情形"


def test_organization_codes_are_letters_digits_dash_underscore_and_old_ones_with_a_slash_still_open(world, client_for):
    import io

    from recruitment.services import organizations_import
    from recruitment.tabular import read_table

    csv = "编码,名称,上级编码,层级,领域,成立日期\nBAD/1,坏编码支部,A,党支部,农村（社区）,2000-01-01\n"
    result = organizations_import(table=read_table(io.BytesIO(csv.encode()), "o.csv"), actor=world.users.department)
    assert "只能包含字母、数字" in str(result.errors[0].message)
    # one imported before the check (still in some databases): its page and the lists still answer
    from tests.factories import OrganizationFactory

    legacy = OrganizationFactory(code="OLD/7", name="旧编码支部", parent=world.a, sector="农村（社区）")
    client = client_for(world.users.department)
    assert client.get(reverse("recruitment:org_detail", args=[legacy.code])).status_code == 200
    assert client.get(reverse("recruitment:org_list")).status_code == 200


def test_the_ledger_preview_says_nothing_of_a_person_in_another_branchs_subtree(world, tmp_path):
    """sec_b1 uploads an ID number that belongs to a person of A1: no branch name, code or dates in the answer."""
    import json

    from applicants.ledger import ledger_import
    from recruitment.tabular import read_table
    from tests.applicants.test_ledger_import import full, write

    person = full()
    first = read_table(write(tmp_path, [person]))
    assert ledger_import(table=first, actor=world.users.secretary, today=TODAY).imported == 1
    theirs = {**person, "党组织编码": "B1"}
    result = ledger_import(table=read_table(write(tmp_path, [theirs])), actor=world.users.secretary_b, today=TODAY)
    answer = json.dumps(result.as_json(), ensure_ascii=False)
    assert result.imported == 0 and "管辖范围以外的党组织建档" in answer
    for secret in (world.a1.name, "A1", "2023-07-01", "2022-02-01"):
        assert secret not in answer


def test_one_person_cannot_decide_two_tiers_of_the_same_entry_unless_the_department_disables_the_rule(
    world, make_candidate
):
    from recruitment.models import RuleDefinition
    from reviews.services import ledger_submit, review_decide

    def decide(entry, tier, user):
        entry.refresh_from_db()
        return review_decide(
            entry=entry, tier=tier, verdict="return" if tier == 2 else "pass", reason="意见", actor=user,
            version=entry.version, decided_on=ON, today=TODAY,
        )  # fmt: skip

    entry = ledger_submit(applicant=make_candidate(), year=2023, actor=world.users.secretary, today=TODAY)
    decide(entry, 1, world.users.department)
    with pytest.raises(DomainError) as exc:
        decide(entry, 2, world.users.department)
    assert exc.value.rules == ["SOD"] and "须由另一位工作人员作出" in str(exc.value)
    decide(entry, 2, world.users.committee)  # another person: returned to the branch tier
    RuleDefinition.objects.filter(code="SOD").update(enabled=False)  # a one-person office's policy
    decide(entry, 1, world.users.committee)
