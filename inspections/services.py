"""Writes: draw a sample, mark an archive checked, record a finding, fix, close, reopen.

Keyword-only, atomic, the finding row locked, saved with ``update_fields``, one ``FindingEvent`` per
change naming who made it. A refusal is a ``DomainError`` with rule id ``抽查`` (docs/rules.md
"Archives and inspection"; seed 003: 每个街镇随机抽查不少于20本农村党员档案).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from applicants.models import Applicant
from applicants.services import material_upload
from applicants.steps import STEPS
from recruitment.errors import DomainError
from recruitment.models import Organization, OrgLevel
from recruitment.scope import INSPECT_ROLES, WRITE_ROLES

from .models import (
    FindingAction,
    FindingCategory,
    FindingEvent,
    FindingItem,
    FindingStatus,
    Population,
    SampleItem,
    SpotCheck,
)
from .selectors import population_ids

RULE = "抽查"
MAX_SAMPLE_SIZE = 500


def _refuse(message: str, field: str = "") -> DomainError:
    return DomainError.single(RULE, message, field=field)


def _require(actor, roles: tuple[str, ...], message: str) -> None:
    if actor is None or not actor.has_role(*roles):
        raise PermissionDenied(message)


def _check_township(actor, township: Organization) -> None:
    if township.level not in OrgLevel.committee_levels():
        raise _refuse(f"“{township.name}”不是乡镇（街道）党(工)委，只能按乡镇抽查", "townships")
    if not actor.can_see(township):
        raise _refuse(f"“{township.name}”不在您的管辖范围内", "townships")


@transaction.atomic
def spot_check_draw(
    *,
    townships: list[Organization],
    population: str,
    year: int,
    size: int,
    actor,
    seed: int | None = None,
    note: str = "",
) -> list[SpotCheck]:
    """One draw per township: the population now (ids, sorted), a seed (random unless given), the
    sample ``random.Random(seed).sample`` of ``size`` — all of them when the township has fewer."""
    _require(actor, INSPECT_ROLES, "只有督查员和组织部工作人员可以抽查档案")
    if size is None or size <= 0:
        raise _refuse("抽查数量必须是正整数（规定每个乡镇不少于20本，不足20本的全部抽查）", "size")
    if size > MAX_SAMPLE_SIZE:
        raise _refuse(f"抽查数量不能超过{MAX_SAMPLE_SIZE}本", "size")
    if population not in Population.values:
        raise _refuse("请选择抽查范围", "population")
    if not townships:
        raise _refuse("请至少选择一个乡镇（街道）", "townships")
    for township in townships:
        _check_township(actor, township)
    checks = []
    for township in townships:
        ids = population_ids(township=township, population=population, year=year)
        check_seed = seed if seed is not None else secrets.randbits(62)
        drawn = SpotCheck.draw_from(ids, size, check_seed)
        check = SpotCheck.objects.create(
            township=township,
            population=population,
            year=year,
            requested_size=size,
            seed=check_seed,
            population_ids=ids,
            drawn_ids=drawn,
            note=note[:200],
            drawn_by=actor,
        )
        SampleItem.objects.bulk_create([SampleItem(spot_check=check, applicant_id=i) for i in drawn])
        checks.append(check)
    return checks


@transaction.atomic
def sample_item_mark_checked(*, item: SampleItem, actor) -> SampleItem:
    _require(actor, INSPECT_ROLES, "只有督查员和组织部工作人员可以登记检查结果")
    item = SampleItem.objects.select_for_update().get(pk=item.pk)
    if item.checked_at is None:
        item.checked_at, item.checked_by = timezone.now(), actor
        item.save(update_fields=["checked_at", "checked_by"])
    return item


def _lock(finding: FindingItem, version: int | None) -> FindingItem:
    f = FindingItem.objects.select_for_update().get(pk=finding.pk)
    if version is not None and f.version != version:
        last = f.events.select_related("actor").last()
        who = f"{last.actor}已{last.get_action_display()}" if last else "他人已修改"
        raise _refuse(f"该问题已被更新（{who}），请刷新后再操作")
    return f


def _move(f: FindingItem, status: str, action: str, note: str, actor, material=None) -> FindingItem:
    f.status = status
    f.version += 1
    f.save(update_fields=["status", "version"])
    FindingEvent.objects.create(finding=f, action=action, note=note, actor=actor, material=material)
    return f


@transaction.atomic
def finding_record(
    *,
    item: SampleItem,
    category: str,
    description: str,
    deadline: dt.date,
    actor,
    step: int | None = None,
    material: str = "",
    today: dt.date | None = None,
) -> FindingItem:
    _require(actor, INSPECT_ROLES, "只有督查员和组织部工作人员可以记录抽查问题")
    today = today or timezone.localdate()
    if not actor.can_see(item.spot_check.township):
        raise _refuse("该抽查不在您的管辖范围内")
    if category not in FindingCategory.values:
        raise _refuse("请选择问题类别", "category")
    if not (description or "").strip():
        raise _refuse("请填写问题描述", "description")
    if step is not None and step not in {s.number for s in STEPS}:
        raise _refuse("步骤须在1—25之间", "step")
    if deadline is None or deadline < today:
        raise _refuse("整改期限不能早于今天", "deadline")
    f = FindingItem.objects.create(
        item=item,
        applicant_id=item.applicant_id,
        step=step,
        material=(material or "")[:100],
        category=category,
        description=description.strip(),
        deadline=deadline,
        created_by=actor,
    )
    FindingEvent.objects.create(finding=f, action=FindingAction.CREATE, note=f.description, actor=actor)
    if item.checked_at is None:
        SampleItem.objects.filter(pk=item.pk).update(checked_at=timezone.now(), checked_by=actor)
    return f


@transaction.atomic
def finding_fix(
    *, finding: FindingItem, note: str, actor, version: int | None = None, file=None, kind: str = ""
) -> FindingItem:
    """The branch reports the fix (a note; optionally the missing material, stored through the archive
    upload of applicants, so it lands in 一人一档 like any other)."""
    _require(actor, WRITE_ROLES, "您的角色无权登记整改")
    if not actor.can_see(finding.applicant.branch):
        raise PermissionDenied("该问题不在您的管辖范围内")
    f = _lock(finding, version)
    if f.status != FindingStatus.OPEN:
        raise _refuse(f"该问题当前为“{f.get_status_display()}”，不能再登记整改")
    if not (note or "").strip():
        raise _refuse("请填写整改说明", "note")
    material = None
    if file is not None:
        material = material_upload(
            applicant=Applicant.objects.get(pk=f.applicant_id),
            step=f.step or 25,
            kind=(kind or f.material or "整改补充材料")[:100],
            file=file,
            actor=actor,
        )
    return _move(f, FindingStatus.FIXED, FindingAction.FIX, note.strip(), actor, material)


def _verify(finding: FindingItem, actor, version: int | None) -> FindingItem:
    _require(actor, INSPECT_ROLES, "只有督查员和组织部工作人员可以核验整改")
    f = _lock(finding, version)
    if not actor.can_see(f.item.spot_check.township):
        raise PermissionDenied("该问题不在您的管辖范围内")
    if f.status != FindingStatus.FIXED:
        raise _refuse(f"该问题当前为“{f.get_status_display()}”，支部登记整改后才能核验")
    return f


@transaction.atomic
def finding_close(*, finding: FindingItem, actor, note: str = "", version: int | None = None) -> FindingItem:
    f = _verify(finding, actor, version)
    return _move(f, FindingStatus.CLOSED, FindingAction.CLOSE, (note or "").strip(), actor)


@transaction.atomic
def finding_reopen(*, finding: FindingItem, actor, note: str, version: int | None = None) -> FindingItem:
    f = _verify(finding, actor, version)
    if not (note or "").strip():
        raise _refuse("退回重改须写明原因", "note")
    return _move(f, FindingStatus.OPEN, FindingAction.REOPEN, note.strip(), actor)
