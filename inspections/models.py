"""档案抽查 (spot checks of archives, 一人一档) and the findings the branch must fix.

The source (docs/rules.md "Archives and inspection"; seed 003, 商河县): "每半年开展党务督查……每个街镇
随机抽查不少于20本农村党员档案，发现问题直接向党委书记通报反馈". A ``SpotCheck`` is one draw in one
township (乡镇/街道党(工)委): it keeps the seed, the population as it was and the ids drawn, so the
same draw can be derived again and shown. A ``FindingItem`` is one problem in one sampled archive; it
moves open → fixed (the branch, with a note) → closed (the inspector) or back to open (reopened), and
every move is a ``FindingEvent`` naming who made it.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recruitment.models import Organization, ScopedQuerySet

DEFAULT_SAMPLE_SIZE = 20  # seed 003: 每个街镇随机抽查不少于20本


class Population(models.TextChoices):
    ADMITTED = "admitted", _("当年接收的预备党员（上级党委审批）")
    CONVERTED = "converted", _("当年转正的正式党员")
    ARCHIVED = "archived", _("当年材料归档（第25步）")


class SpotCheckQuerySet(ScopedQuerySet):
    scope_field = "township"


class SpotCheck(models.Model):
    township = models.ForeignKey(
        Organization, verbose_name=_("乡镇（街道）党(工)委"), on_delete=models.PROTECT, related_name="+"
    )
    population = models.CharField(_("抽查范围"), max_length=20, choices=Population.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    requested_size = models.PositiveIntegerField(_("抽查数量"), default=DEFAULT_SAMPLE_SIZE)
    seed = models.BigIntegerField(_("随机种子"))
    population_ids = models.JSONField(_("抽查总体（发展对象编号）"), default=list)
    drawn_ids = models.JSONField(_("抽中（发展对象编号）"), default=list)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案抽查")
        verbose_name_plural = _("档案抽查")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.township.name} {self.year}年 {self.get_population_display()} 抽查{len(self.drawn_ids)}本"

    @staticmethod
    def draw_from(population_ids: list[int], size: int, seed: int) -> list[int]:
        """The one drawing rule: the population sorted, ``random.Random(seed).sample``; all if fewer."""
        ids = sorted(population_ids)
        if size >= len(ids):
            return ids
        return sorted(random.Random(seed).sample(ids, size))

    def rederive(self) -> list[int]:
        """The draw again from what was stored: equal to ``drawn_ids`` unless the record was altered."""
        return self.draw_from(self.population_ids, self.requested_size, self.seed)


class SampleItemQuerySet(ScopedQuerySet):
    scope_field = "spot_check__township"


class SampleItem(models.Model):
    """One sampled archive (一人一档) of one spot check."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    applicant = models.ForeignKey("applicants.Applicant", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SampleItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查档案")
        verbose_name_plural = _("抽查档案")
        ordering = ["spot_check_id", "applicant__branch__path", "applicant__name", "id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "applicant"], name="sample_item_once")]


class FindingCategory(models.TextChoices):
    MISSING = "missing", _("材料缺失")
    DATE = "date", _("日期不符")
    SIGNATURE = "signature", _("签字不全")
    ORDER = "order", _("程序倒置")
    OTHER = "other", _("其他")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改待核验")
    CLOSED = "closed", _("已核验销号")


class FindingQuerySet(ScopedQuerySet):
    """Scoped by the person's branch: the branch secretary sees the findings on its own people."""

    scope_field = "applicant__branch"

    def unresolved(self):
        return self.exclude(status=FindingStatus.CLOSED)


class FindingItem(models.Model):
    item = models.ForeignKey(SampleItem, on_delete=models.PROTECT, related_name="findings")
    applicant = models.ForeignKey("applicants.Applicant", on_delete=models.PROTECT, related_name="+")
    step = models.PositiveSmallIntegerField(_("步骤"), null=True, blank=True)
    material = models.CharField(_("材料"), max_length=100, blank=True)
    category = models.CharField(_("问题类别"), max_length=20, choices=FindingCategory.choices)
    description = models.TextField(_("问题描述"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查发现问题")
        verbose_name_plural = _("抽查发现问题")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        where = f"第{self.step}步" if self.step else ""
        return f"{self.get_category_display()}：{where}{self.material} {self.description[:30]}"

    def is_overdue(self, today) -> bool:
        return self.status == FindingStatus.OPEN and self.deadline < today


class FindingAction(models.TextChoices):
    CREATE = "create", _("记录问题")
    FIX = "fix", _("整改")
    CLOSE = "close", _("核验销号")
    REOPEN = "reopen", _("退回重改")


class FindingEvent(models.Model):
    """Immutable: who moved the finding, when, why (and the material uploaded with a fix)."""

    finding = models.ForeignKey(FindingItem, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=FindingAction.choices)
    note = models.TextField(_("说明"), blank=True)
    material = models.ForeignKey(
        "applicants.Material", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["finding_id", "at", "id"]
