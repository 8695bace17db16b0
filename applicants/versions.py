"""The person's version: every write that changes what the person page shows bumps ``Applicant.version``,
so cached fragments and the cached timeline (keyed by it) are never stale.

The hook is generic: every model with a foreign key ``applicant`` to Applicant (steps, assessments,
trainings, materials, people, consents, 公示, events; the reviews' ledger entries, opinions, checks,
hits, approvals) bumps on save and delete — connected in ``ApplicantsConfig.ready`` from the model
registry, so a new model is covered without a line here. Apps whose models reach the person another
way (a review decision through its entry, a member through the people who named them) call
:func:`bump` from their own ready(). Bulk writes that send no signals (the ledger import) bump
explicitly. Every bump also adds change marks for the person's branch and the organizations above it
(recruitment.changes), which key the pages of a whole scope. ``NOT_SHOWN`` lists the models whose writes the page does not show (the access log: a view
is not a change). tests/applicants/test_versions.py holds the invariant.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from recruitment import changes
from recruitment.models import Organization

NOT_SHOWN = {"applicants.AccessLog"}
CONNECTED: set[str] = set()


# Sent after every bump with the people's ids: apps that keep a copy of a person's facts (the
# reviews' ledger snapshot) refresh it here, whatever the write was.
person_changed = Signal()


def bump(applicant_ids: Iterable[int | None]) -> None:
    ids = {i for i in applicant_ids if i}
    if ids:
        from .models import Applicant

        Applicant.objects.filter(pk__in=ids).update(version=F("version") + 1)
        # their branch, and the branch that admitted them (the yearly figures count people there)
        paths = Applicant.objects.filter(pk__in=ids).values_list("branch__path", "admitted_branch__path").distinct()
        changes.touch_paths(p for pair in paths for p in pair)
        person_changed.send(sender=Applicant, ids=ids)


def _on_change(sender, instance, **kwargs) -> None:
    bump([getattr(instance, "applicant_id", None)])


def _on_applicant_save(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"version"}:
        return
    bump([instance.pk])
    instance.version = (instance.version or 0) + 1
    left = getattr(instance, "_db_branch_id", None)
    if left is not None and left != instance.branch_id:  # moved: the branch left no longer shows them
        changes.touch_paths(Organization.objects.filter(pk=left).values_list("path", flat=True))
    instance._db_branch_id = instance.branch_id


def _on_applicant_delete(sender, instance, **kwargs) -> None:
    changes.touch_paths(Organization.objects.filter(pk=instance.branch_id).values_list("path", flat=True))


def _on_member_change(sender, instance, **kwargs) -> None:
    """A member's status or penalty changes what the rules say of the people they introduce (R4, R7)."""
    from .models import ApplicantPerson

    member_id = instance.pk if sender._meta.model_name == "partymember" else instance.member_id
    bump(ApplicantPerson.objects.filter(member_id=member_id).values_list("applicant_id", flat=True))


def person_models() -> list:
    """Every model with a foreign key named ``applicant`` to Applicant."""
    from .models import Applicant

    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "applicant"), None)
        if field is not None and field.is_relation and field.related_model is Applicant:
            found.append(model)
    return found


def connect() -> None:
    from recruitment.models import MemberPenalty, PartyMember

    from .models import Applicant

    post_save.connect(_on_applicant_save, sender=Applicant, dispatch_uid="applicant-version-self")
    post_delete.connect(_on_applicant_delete, sender=Applicant, dispatch_uid="applicant-version-self-del")
    for model in (PartyMember, MemberPenalty):
        post_save.connect(_on_member_change, sender=model, dispatch_uid=f"applicant-version-{model._meta.label}")
        post_delete.connect(_on_member_change, sender=model, dispatch_uid=f"applicant-version-del-{model._meta.label}")
    for model in person_models():
        label = model._meta.label
        if label in NOT_SHOWN:
            continue
        post_save.connect(_on_change, sender=model, dispatch_uid=f"applicant-version-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"applicant-version-del-{label}")
        CONNECTED.add(label)
