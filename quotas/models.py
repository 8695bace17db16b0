"""Annual guiding plans (指导性计划), their allocations down the tree, and the yearly ratio rules.

A plan belongs to an organization department and a year. Allocations form a tree that mirrors
the organization tree: the department allocates its total to committees (``source`` = the
department), a committee allocates what it received to the branches in its subtree (``source`` =
the committee). Every change of an allocation is an immutable ``AllocationChange`` row naming the
actor and — for a 调剂 of an already issued figure — the reason.

Ratio rules are data per (year, jurisdiction): the rules in force for an organization are those
of its nearest ancestor (or itself) that has a rule set for the year.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recruitment.bounds import MAX_PEOPLE, bounded
from recruitment.models import Organization, ScopedQuerySet, Sector


class AnnualPlan(models.Model):
    org = models.ForeignKey(
        Organization, verbose_name=_("组织部门"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=bounded(2000, 2100))
    total = models.PositiveIntegerField(_("发展党员计划总数"), default=0, validators=bounded(0, MAX_PEOPLE))
    notes = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度发展党员指导性计划")
        verbose_name_plural = _("年度发展党员指导性计划")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_plan_per_org_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.org.name} 指导性计划（{self.total} 名）"


class PlanAllocation(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="allocations")
    org = models.ForeignKey(
        Organization, verbose_name=_("下达对象"), on_delete=models.PROTECT, related_name="plan_allocations"
    )
    source = models.ForeignKey(Organization, verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveIntegerField(_("指标数"), default=0, validators=bounded(0, MAX_PEOPLE))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("计划指标分配")
        verbose_name_plural = _("计划指标分配")
        constraints = [models.UniqueConstraint(fields=["plan", "org"], name="one_allocation_per_org")]
        indexes = [models.Index(fields=["plan", "source"], name="allocation_plan_source")]

    def __str__(self) -> str:
        return f"{self.plan.year}年 {self.org.name}：{self.amount}"


class AllocationChangeQuerySet(ScopedQuerySet):
    scope_field = "org"


class AllocationChange(models.Model):
    """Append-only log: the total set, an allocation issued, or a 调剂 (with reason)."""

    class Kind(models.TextChoices):
        TOTAL = "total", _("设定计划总数")
        ALLOCATE = "allocate", _("下达指标")
        ADJUST = "adjust", _("调剂")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    org = models.ForeignKey(Organization, verbose_name=_("对象"), on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(
        Organization, verbose_name=_("下达单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    old_amount = models.PositiveIntegerField(_("原指标"), default=0, validators=bounded(0, MAX_PEOPLE))
    new_amount = models.PositiveIntegerField(_("新指标"), default=0, validators=bounded(0, MAX_PEOPLE))
    reason = models.TextField(_("原因"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = AllocationChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标变更记录")
        verbose_name_plural = _("指标变更与调剂记录")
        ordering = ["-at", "-id"]

    @property
    def delta(self) -> int:
        return self.new_amount - self.old_amount


class RuleKind(models.TextChoices):
    SECTOR = "sector", _("领域比例")
    STRUCTURE = "structure", _("结构比例")


class Structure(models.TextChoices):
    """Structure shares of a year's intake. The key is the label (as sectors are)."""

    YOUTH = "35岁及以下", _("35岁及以下（审批时）")
    COLLEGE = "大专及以上", _("大专及以上学历")
    FEMALE = "女性", _("女性")
    FRONTLINE = "生产工作一线", _("生产工作一线")


# Seed 000 (韩城): 农村（社区）≥ 30%, 非公企业 ≤ 20%, 社会组织 ≤ 10%, 机关事业单位 ≤ 35%, 国有企业 ≤ 5%.
DEFAULT_SECTOR_RULES: list[tuple[str, Decimal | None, Decimal | None]] = [
    (Sector.RURAL, Decimal("30"), None),
    (Sector.PRIVATE, None, Decimal("20")),
    (Sector.SOCIAL, None, Decimal("10")),
    (Sector.PUBLIC_INSTITUTION, None, Decimal("35")),
    (Sector.STATE_ENTERPRISE, None, Decimal("5")),
]


class RatioRuleSet(models.Model):
    """The ratio requirements of one year in one jurisdiction (usually the county department)."""

    org = models.ForeignKey(
        Organization, verbose_name=_("适用范围"), on_delete=models.PROTECT, related_name="ratio_rule_sets"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=bounded(2000, 2100))
    # 入党申请人 : 入党积极分子 : 发展党员 reserve ratio (e.g. 5:4:1).
    reserve_applicants = models.PositiveSmallIntegerField(_("申请人比"), default=5, validators=bounded(0, 100))
    reserve_activists = models.PositiveSmallIntegerField(_("积极分子比"), default=4, validators=bounded(0, 100))
    reserve_members = models.PositiveSmallIntegerField(_("发展党员比"), default=1, validators=bounded(1, 100))
    notes = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度比例要求")
        verbose_name_plural = _("年度比例要求")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_ruleset_per_org_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.org.name} 比例要求"


class RatioRule(models.Model):
    """One share rule: ``min_pct`` / ``max_pct`` in percent (inclusive); unset = not checked."""

    rule_set = models.ForeignKey(RatioRuleSet, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("类别"), max_length=10, choices=RuleKind.choices)
    key = models.CharField(_("项目"), max_length=20)
    min_pct = models.DecimalField(
        _("不低于（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_pct = models.DecimalField(
        _("不高于（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("比例规则")
        verbose_name_plural = _("比例规则")
        constraints = [models.UniqueConstraint(fields=["rule_set", "kind", "key"], name="one_rule_per_key")]

    def __str__(self) -> str:
        parts = []
        if self.min_pct is not None:
            parts.append(f"≥ {self.min_pct.normalize():f}%")
        if self.max_pct is not None:
            parts.append(f"≤ {self.max_pct.normalize():f}%")
        return f"{self.key} {' '.join(parts) or '不考核'}"
