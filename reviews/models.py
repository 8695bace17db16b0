"""The year's pre-assessment ledger (拟接收预备党员预判分析台账) and its three review tiers.

Base contract shared with quotas (expected intake = entries of the year that have not failed)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.models import Applicant
from recruitment.bounds import MAX_VERSION, bounded
from recruitment.models import ScopedQuerySet
from recruitment.scope import Level
from recruitment.uploads import random_storage_name


class Tier(models.IntegerChoices):
    BRANCH = 1, _("支部初审")
    COMMITTEE = 2, _("党委复审")
    DEPARTMENT = 3, _("组织部终审")


# The level that decides each tier: the branch (or staff above acting for it), the committee, the department.
TIER_LEVEL = {Tier.BRANCH: Level.BRANCH, Tier.COMMITTEE: Level.COMMITTEE, Tier.DEPARTMENT: Level.DEPARTMENT}


class Verdict(models.TextChoices):
    PASS = "pass", _("通过")
    FAIL = "fail", _("不通过")
    RETURN = "return", _("退回补充材料")


class EntryStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("审查中")
    PASSED = "passed", _("三级审查通过")
    FAILED = "failed", _("未通过")


class LedgerEntryQuerySet(ScopedQuerySet):
    scope_field = "applicant__branch"

    def expected(self, year: int):
        """The year's expected intake: on the ledger and not failed."""
        return self.filter(year=year).exclude(status=EntryStatus.FAILED)


class LedgerEntry(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="ledger_entries")
    year = models.PositiveSmallIntegerField(_("年度"), validators=bounded(2000, 2100))
    status = models.CharField(_("状态"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.IN_REVIEW)
    # The tier now waiting for a decision (1..3); 3 + PASSED means all three tiers passed.
    tier = models.PositiveSmallIntegerField(
        _("待审层级"), choices=Tier.choices, default=Tier.BRANCH, validators=bounded(1, 3)
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=0, validators=bounded(0, MAX_VERSION)
    )  # bumped by every decision (lost-update guard)
    # When the entry arrived at the tier now waiting (queue age); set by the services.
    waiting_since = models.DateField(_("进入当前层级日期"), null=True, blank=True)
    remarks = models.TextField(_("支部报送说明"), blank=True)
    # A snapshot of the person, so that the year's counts (quotas) read the entries without joining
    # every applicant: their branch now, and whether they are still to be admitted (not admitted, in
    # the pipeline). Kept by reviews.snapshot on every write to the person; rebuilt nightly.
    branch = models.ForeignKey(
        "recruitment.Organization", null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    pending = models.BooleanField(default=False, editable=False)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("预判分析台账条目")
        verbose_name_plural = _("拟接收预备党员预判分析台账")
        constraints = [models.UniqueConstraint(fields=["applicant", "year"], name="one_entry_per_year")]
        indexes = [
            models.Index(fields=["year", "status"], name="ledger_year_status"),
            # The year's expected intake (not failed), joined to applicants.
            models.Index(fields=["year", "applicant"], condition=~models.Q(status="failed"), name="ledger_year_open"),
            # The same by the snapshot: counts per branch subtree, the pending ones apart.
            models.Index(
                fields=["year", "pending", "branch"], condition=~models.Q(status="failed"), name="ledger_year_branch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.applicant}"

    def save(self, *args, **kwargs):
        if self.branch_id is None and self.applicant_id:  # a new entry: the person as they are now
            from .snapshot import person_facts

            self.branch_id, self.pending = person_facts(self.applicant)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == EntryStatus.IN_REVIEW

    @property
    def tier_label(self) -> str:
        if self.status == EntryStatus.PASSED:
            return "三级审查通过"
        if self.status == EntryStatus.FAILED:
            return "未通过"
        return f"待{Tier(self.tier).label}"


class ReviewDecision(models.Model):
    """One decision of one tier: reviewer, date, verdict, reason. Immutable."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="decisions")
    tier = models.PositiveSmallIntegerField(_("层级"), choices=Tier.choices, validators=bounded(1, 3))
    verdict = models.CharField(_("结论"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("理由"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("审查日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审查决定")
        verbose_name_plural = _("三级审查决定")
        ordering = ["entry_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}：{self.get_verdict_display()}（{self.reviewer}，{self.decided_on}）"


# --- opinions and checks around the ledger (R17–R20) ---------------------------------------------
class OpinionVerdict(models.TextChoices):
    AGREE = "agree", _("同意/无异议")
    DISAGREE = "disagree", _("不同意/有问题")


class ReviewDepartment(models.Model):
    """A 执纪执法 department whose opinion is sought (纪委监委, 公安, 统战 …). Configurable in admin."""

    name = models.CharField(_("部门名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=50, validators=bounded(0, 999))
    in_joint_review = models.BooleanField(_("参加联审"), default=True, help_text=_("R20 联审时须出具意见的部门"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("征求意见部门")
        verbose_name_plural = _("执纪执法部门（征求意见）")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OpinionPurpose(models.TextChoices):
    COMMITTEE_REVIEW = "review", _("党委复审征求意见")
    JOINT_REVIEW = "joint", _("培训前联审（R20）")


def opinion_upload_to(instance, filename: str) -> str:
    """A random name (``reviews/a7/a7c2….pdf``): neither the applicant's id nor the uploader's file name.
    Files stored before this (``reviews/<applicant id>/<original name>``) keep their paths (no data
    migration renames them); their download name falls back to the stored name."""
    return random_storage_name("reviews", filename)


class DepartmentOpinionQuerySet(ScopedQuerySet):
    scope_field = "applicant__branch"


class DepartmentOpinion(models.Model):
    """One department's written opinion on one candidate. Immutable; attributed."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="department_opinions")
    entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions")
    purpose = models.CharField(_("用途"), max_length=10, choices=OpinionPurpose.choices)
    department = models.ForeignKey(ReviewDepartment, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("意见"), max_length=10, choices=OpinionVerdict.choices)
    opinion = models.TextField(_("意见内容"), blank=True)
    given_on = models.DateField(_("出具日期"))
    file = models.FileField(_("意见文件"), upload_to=opinion_upload_to, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DepartmentOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门意见")
        verbose_name_plural = _("部门意见")
        ordering = ["applicant_id", "given_on", "id"]
        indexes = [models.Index(fields=["applicant", "purpose"], name="opinion_applicant_purpose")]

    def __str__(self) -> str:
        return f"{self.department}：{self.get_verdict_display()}"

    @property
    def download_name(self) -> str:
        return opinion_download_name(self)


def opinion_download_name(opinion) -> str:
    """The name the uploader gave the file; for a file stored before names were kept, the stored one."""
    return opinion.original_name or PurePosixPath(opinion.file.name or "").name or "意见文件"


class HouseholdOpinion(models.Model):
    """R17: opinion of the party organization at the 户籍所在地 for 两新 candidates."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="household_opinions")
    organization = models.ForeignKey(
        "recruitment.Organization",
        verbose_name=_("户籍所在地党组织（系统内）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization_name = models.CharField(_("户籍所在地党组织"), max_length=200)
    verdict = models.CharField(_("意见"), max_length=10, choices=OpinionVerdict.choices)
    opinion = models.TextField(_("意见内容"), blank=True)
    given_on = models.DateField(_("出具日期"))
    file = models.FileField(_("意见文件"), upload_to=opinion_upload_to, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("户籍所在地党组织意见")
        verbose_name_plural = _("户籍所在地党组织意见")
        ordering = ["applicant_id", "given_on", "id"]

    @property
    def download_name(self) -> str:
        return opinion_download_name(self)


class CadreRelativeApproval(models.Model):
    """R18: county-level reply (县级批复) for a near relative of village cadres."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="cadre_relative_approvals")
    relation = models.CharField(_("亲属关系"), max_length=100, help_text=_("如：村党支部书记之子"))
    approved = models.BooleanField(_("同意发展"))
    document_no = models.CharField(_("批复文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("批复日期"))
    opinion = models.TextField(_("县级联合考察意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("近亲属县级批复")
        verbose_name_plural = _("村组干部近亲属县级批复")
        ordering = ["applicant_id", "decided_on", "id"]


class NegativeListItem(models.Model):
    """One item of the 政治审查负面清单 (R19). Configurable; retired items stay for history."""

    number = models.PositiveSmallIntegerField(_("序号"), unique=True, validators=bounded(1, 9999))
    article = models.CharField(_("条款"), max_length=50)
    title = models.CharField(_("情形"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("负面清单条目")
        verbose_name_plural = _("发展党员负面清单")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.article} {self.title}"


class NegativeListCheck(models.Model):
    """A recorded comparison of one candidate against the whole negative list (对标负面清单)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="negative_list_checks")
    checked_on = models.DateField(_("比对日期"))
    items_checked = models.PositiveSmallIntegerField(_("比对条目数"), validators=bounded(0, 10000))
    hit_count = models.PositiveSmallIntegerField(_("命中条目数"), default=0, validators=bounded(0, 10000))
    notes = models.TextField(_("说明"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("负面清单比对")
        verbose_name_plural = _("负面清单比对记录")
        ordering = ["applicant_id", "checked_on", "id"]


class NegativeListHitQuerySet(ScopedQuerySet):
    scope_field = "applicant__branch"


class NegativeListHit(models.Model):
    """A negative-list item found for a candidate. Blocks every further step (R19) until revoked
    (a hit recorded in error is revoked with a reason, never deleted)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="negative_list_hits")
    item = models.ForeignKey(
        NegativeListItem, verbose_name=_("负面清单条目"), on_delete=models.PROTECT, related_name="hits"
    )
    list_check = models.ForeignKey(
        NegativeListCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="hits"
    )
    found_on = models.DateField(_("发现日期"))
    notes = models.TextField(_("情况说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    objects = NegativeListHitQuerySet.as_manager()

    class Meta:
        verbose_name = _("负面清单命中")
        verbose_name_plural = _("负面清单命中记录")
        ordering = ["applicant_id", "found_on", "id"]
        indexes = [models.Index(fields=["applicant", "revoked_at"], name="neghit_applicant_active")]
