"""Two staff decide the same item at the same moment: exactly one decision stands."""

import threading

import pytest
from django.db import connection, connections

from recruitment.errors import DomainError
from reviews.models import LedgerEntry, ReviewDecision
from reviews.services import review_decide

from .conftest import ON, TODAY

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_decisions_one_stands_the_other_is_told_who(world, make_candidate, submit):
    entry = submit(make_candidate())
    version = entry.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(name, user, verdict):
        try:
            barrier.wait()
            outcomes[name] = review_decide(
                entry=LedgerEntry.objects.get(pk=entry.pk),
                tier=1,
                verdict=verdict,
                reason=f"{name}的意见",
                actor=user,
                version=version,
                decided_on=ON,
                today=TODAY,
            )
        except DomainError as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("书记", world.users.secretary, "pass")),
        threading.Thread(target=decide, args=("组织员", world.users.committee, "fail")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    errors = [o for o in outcomes.values() if isinstance(o, DomainError)]
    decisions = [o for o in outcomes.values() if isinstance(o, ReviewDecision)]
    assert len(decisions) == 1 and len(errors) == 1
    assert errors[0].rules == ["STALE"]
    assert f"该条目已由{decisions[0].reviewer}于" in str(errors[0])
    entry.refresh_from_db()
    assert entry.version == version + 1 and ReviewDecision.objects.filter(entry=entry).count() == 1
