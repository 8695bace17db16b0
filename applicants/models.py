"""Applicants (the people in the pipeline), their step records, and everything the rules read.

Denormalized on Applicant (kept by ``applicants.services`` only): the current step, the key dates
(application, activist, candidate, branch meeting, approval, probation end) and the sector/age
snapshot at approval (step 17) — so lists, to-do and compliance are aggregate queries.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recruitment.bounds import MAX_FILE_BYTES, MAX_STEP, bounded
from recruitment.dates import age_on
from recruitment.models import Organization, PartyMember, ScopedQuerySet, Sector
from recruitment.uploads import random_storage_name

from .steps import LAST_STEP, get_step, stage_of, status_label


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", "研究生"
    BACHELOR = "大学本科", "大学本科"
    JUNIOR_COLLEGE = "大学专科", "大学专科"
    SECONDARY_VOCATIONAL = "中专", "中专"
    HIGH_SCHOOL = "高中", "高中"
    JUNIOR_HIGH_OR_BELOW = "初中及以下", "初中及以下"

    @classmethod
    def college_or_above(cls) -> set[str]:
        """大专及以上."""
        return {cls.POSTGRADUATE, cls.BACHELOR, cls.JUNIOR_COLLEGE}


class Occupation(models.TextChoices):
    WORKER = "工人", "工人"
    FARMER = "农牧渔民", "农牧渔民"
    PROFESSIONAL = "专业技术人员", "专业技术人员"
    MANAGER = "企业管理人员", "企业管理人员"
    CIVIL_SERVANT = "党政机关工作人员", "党政机关工作人员"
    STUDENT = "学生", "学生"
    SOLDIER = "军人", "军人"
    OTHER = "其他", "其他"


class ApplicantStatus(models.TextChoices):
    ACTIVE = "active", "培养中"
    MEMBER = "member", "已转正"
    NOT_DEVELOPED = "not_developed", "不予发展"
    CANCELLED = "cancelled", "取消预备党员资格"
    TRANSFERRED_OUT = "transferred_out", "已转出"


class ApplicantQuerySet(ScopedQuerySet):
    scope_field = "branch"

    def active(self):
        return self.filter(status=ApplicantStatus.ACTIVE)


class Applicant(models.Model):
    # --- 台账 attributes -----------------------------------------------------------------------
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices)
    occupation = models.CharField(_("职业/工作岗位"), max_length=20, choices=Occupation.choices)
    frontline = models.BooleanField(_("生产工作一线"), default=False)
    household_registration = models.CharField(_("户籍所在地"), max_length=200, blank=True)
    is_mobile = models.BooleanField(
        _("流动人员"),
        default=False,
        help_text=_(
            "工作、居住地与户籍所在地不同：政审须征求户籍所在地和居住地党组织意见（R17），公示须在流出地和流入地同时进行（R25）"
        ),
    )
    household_org = models.ForeignKey(
        Organization,
        verbose_name=_("户籍所在地党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("两新组织人员须征求户籍所在地党组织意见（R17）"),
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    branch = models.ForeignKey(
        Organization, verbose_name=_("所在党支部"), on_delete=models.PROTECT, related_name="applicants"
    )
    is_league_member = models.BooleanField(_("共青团员"), default=False)
    is_cadre_relative = models.BooleanField(_("村组干部近亲属"), default=False)

    # --- state (written by services only) -------------------------------------------------------
    status = models.CharField(_("状态"), max_length=20, choices=ApplicantStatus.choices, default=ApplicantStatus.ACTIVE)
    current_step = models.PositiveSmallIntegerField(
        _("已完成步骤"), default=0, db_index=True, validators=bounded(0, MAX_STEP)
    )
    applied_on = models.DateField(_("申请入党日期"), null=True, blank=True)
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    branch_meeting_on = models.DateField(_("接收支部大会日期"), null=True, blank=True)
    admitted_on = models.DateField(_("上级党委审批日期"), null=True, blank=True, db_index=True)
    probation_end = models.DateField(_("预备期满日期"), null=True, blank=True)
    probation_extended = models.BooleanField(_("已延长预备期"), default=False)
    conversion_meeting_on = models.DateField(_("转正支部大会日期"), null=True, blank=True)
    converted_on = models.DateField(_("转正审批日期"), null=True, blank=True)
    last_step_on = models.DateField(_("最近步骤日期"), null=True, blank=True)
    # Snapshot at approval (step 17): later re-classification of the branch rewrites no history.
    admitted_branch = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    admitted_sector = models.CharField(_("审批时所在领域"), max_length=20, choices=Sector.choices, blank=True)
    admitted_age = models.PositiveSmallIntegerField(_("审批时年龄"), null=True, blank=True, validators=bounded(0, 150))
    member = models.OneToOneField(
        PartyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="applicant"
    )
    terminal_reason = models.TextField(_("终止原因"), blank=True)
    terminal_on = models.DateField(_("终止日期"), null=True, blank=True)
    training_hours_carried = models.DecimalField(
        _("转入前培训学时"), max_digits=6, decimal_places=1, default=0, validators=bounded(0, 9999)
    )
    training_days_carried = models.DecimalField(
        _("转入前培训天数"), max_digits=5, decimal_places=1, default=0, validators=bounded(0, 999)
    )
    # Bumped by every write that touches the person (applicants.versions): the key of the cached
    # timeline and page fragments. Never set by hand.
    version = models.PositiveIntegerField(default=0, editable=False)
    # The to-do item that enters the list first (applicants.due): kept by the writes of its inputs and
    # by the nightly rebuild, so the to-do list is an SQL filter. Never set by hand.
    next_due_kind = models.CharField(_("下一待办"), max_length=20, blank=True, default="", editable=False)
    next_due_on = models.DateField(_("下一待办到期日"), null=True, blank=True, db_index=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["next_due_kind", "next_due_on"])

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展对象")
        verbose_name_plural = _("入党申请人与发展对象")
        indexes = [
            models.Index(fields=["branch", "status", "current_step"], name="applicant_branch_state"),
            models.Index(fields=["admitted_on", "admitted_sector"], name="applicant_admitted"),
            models.Index(fields=["status", "probation_end"], name="applicant_probation"),
            # Reserve counts and pipeline tabs (compliance reserve, stale scan): active people by step.
            models.Index(
                fields=["branch", "current_step"], condition=models.Q(status="active"), name="applicant_active_step"
            ),
            # Last admission per branch (stale scan) from the index alone.
            models.Index(
                fields=["admitted_branch", "admitted_on"],
                condition=models.Q(admitted_on__isnull=False),
                name="applicant_branch_admitted",
            ),
            # The year's admissions (compliance, dashboard, trend) read from the index alone on
            # PostgreSQL (covering; other databases get a plain partial index).
            models.Index(
                fields=["admitted_on"],
                include=["admitted_branch", "admitted_sector", "admitted_age", "education", "gender", "frontline"],
                condition=models.Q(admitted_on__isnull=False),
                name="applicant_admitted_cover",
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The branch as read: a save that moves the person marks the branch they left (applicants.versions).
        instance._db_branch_id = instance.__dict__.get("branch_id")
        return instance

    def __str__(self) -> str:
        return self.name

    @property
    def status_label(self) -> str:
        if self.status != ApplicantStatus.ACTIVE:
            return self.get_status_display()
        return status_label(self.current_step)

    @property
    def stage(self):
        return stage_of(self.current_step)

    @property
    def next_step(self):
        if self.status != ApplicantStatus.ACTIVE or self.current_step >= LAST_STEP:
            return None
        return get_step(self.current_step + 1)

    @property
    def is_active(self) -> bool:
        return self.status == ApplicantStatus.ACTIVE

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def party_standing_from(self) -> dt.date | None:
        """R15: 党龄 counts from the probation end date (after conversion)."""
        return self.probation_end if self.converted_on else None


class StepRecord(models.Model):
    """One completed step. Immutable once written; corrections are new events, not edits."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="steps")
    step = models.PositiveSmallIntegerField(_("步骤"), validators=bounded(0, MAX_STEP))
    date = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    acting_org = models.ForeignKey(
        Organization, verbose_name=_("办理组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    outcome = models.CharField(_("结果"), max_length=50, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    data = models.JSONField(_("步骤数据"), default=dict, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)  # [{"rule": "R2", "message": "…"}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("步骤记录")
        verbose_name_plural = _("步骤记录")
        ordering = ["applicant_id", "step"]
        constraints = [models.UniqueConstraint(fields=["applicant", "step"], name="one_record_per_step")]

    def __str__(self) -> str:
        return f"{self.applicant} · {get_step(self.step)} · {self.date}"

    @property
    def step_obj(self):
        return get_step(self.step)


class PersonRole(models.TextChoices):
    CONTACT = "contact", "培养联系人"
    INTRODUCER = "introducer", "入党介绍人"


class ApplicantPerson(models.Model):
    """培养联系人 (step 5, R4) and 入党介绍人 (step 9, R7), chosen from the member registry."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="people")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=PersonRole.choices)
    assigned_on = models.DateField()
    step_record = models.ForeignKey(StepRecord, null=True, on_delete=models.PROTECT, related_name="people")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["applicant", "member", "role"], name="one_person_role")]


class Assessment(models.Model):
    """Half-yearly assessment of an activist or probationary member (R5)."""

    class Result(models.TextChoices):
        EXCELLENT = "好", "好"
        GOOD = "较好", "较好"
        FAIR = "一般", "一般"
        POOR = "差", "差"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="assessments")
    date = models.DateField(_("考察日期"))
    result = models.CharField(_("考察结果"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("考察意见"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applicant_id", "date"]


class Training(models.Model):
    """A centralized training attended (R9: ≥ 3 days or ≥ 24 学时 in total before step 12)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="trainings")
    name = models.CharField(_("培训班名称"), max_length=200, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1, default=0, validators=bounded(0, 999))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=0, validators=bounded(0, 9999))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ProbationChange(models.Model):
    """Extension (once, 6–12 months) decided by the conversion meeting (R13)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="probation_changes")
    meeting_on = models.DateField(_("支部大会日期"))
    months = models.PositiveSmallIntegerField(_("延长月数"), validators=bounded(1, 24))
    old_end = models.DateField()
    new_end = models.DateField()
    reason = models.TextField(_("原因"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Transfer(models.Model):
    """转出/转入: the applicant moves branch; step records and training time stay (细则 12)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="transfers")
    from_branch = models.ForeignKey(Organization, null=True, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_outside = models.CharField(_("转往（系统外）"), max_length=200, blank=True)
    date = models.DateField()
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


def material_upload_to(instance: Material, filename: str) -> str:
    """A random name (``archive/3f/3f9c….pdf``), derived from neither ids nor the uploader's file name.
    Files stored before this (``archive/<applicant id>/<step>/<original name>``) keep their paths: no
    data migration renames them; ``Material.file.name`` points at wherever each one is."""
    return random_storage_name("archive", filename)


class MaterialQuerySet(ScopedQuerySet):
    scope_field = "applicant__branch"

    def current(self):
        """Not withdrawn (nor replaced): the files that count in the archive."""
        return self.filter(withdrawn_at__isnull=True)


class Material(models.Model):
    """A scanned material in the applicant's archive (一人一档). Evidence: never deleted. A file put up
    by mistake is withdrawn, or replaced by a new one, with a reason (``applicants.services.material_withdraw``
    / ``material_replace``); it stays listed, struck through, and stays on disk until the retention job
    (README: Retention) removes it."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="materials")
    step = models.PositiveSmallIntegerField(_("步骤"), validators=bounded(0, MAX_STEP))
    kind = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=material_upload_to)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0, validators=bounded(0, MAX_FILE_BYTES))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("替换为"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案材料")
        verbose_name_plural = _("档案材料")
        ordering = ["applicant_id", "step", "kind"]

    def __str__(self) -> str:
        return f"{self.applicant_id} · 第{self.step}步 · {self.kind}：{self.original_name}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ArchiveExemption(models.Model):
    """R23: a material the archive requires but that cannot be supplied, recorded with a reason before
    the archive is filed (step 25). Attributed; never edited."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="archive_exemptions")
    kind = models.CharField(_("材料名称"), max_length=100)
    reason = models.TextField(_("免交理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("档案材料免交记录")
        verbose_name_plural = _("档案材料免交记录")
        constraints = [models.UniqueConstraint(fields=["applicant", "kind"], name="one_exemption_per_material")]


class CommitteeConsent(models.Model):
    """R26 (细则2026第十三条): the upper committee's consent before a 发展对象 is listed — given (同意)
    before the 公示, or refused (不同意: the person stays an activist, or development stops)."""

    class Verdict(models.TextChoices):
        AGREE = "同意", "同意"
        DISAGREE = "不同意", "不同意"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="consents")
    date = models.DateField(_("同意日期"))
    verdict = models.CharField(_("意见"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("理由"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("上级党委同意")
        verbose_name_plural = _("上级党委同意")
        ordering = ["applicant_id", "date", "id"]


class Publicity(models.Model):
    """A 公示 (R25): where and when the person's listing was made public, and its result."""

    class Stage(models.TextChoices):
        ACTIVIST = "activist", "确定入党积极分子前"
        CANDIDATE = "candidate", "确定发展对象前"
        ADMISSION = "admission", "接收预备党员前"
        CONVERSION = "conversion", "预备党员转正前"

    class Outcome(models.TextChoices):
        CLEAR = "无异议", "无异议"
        NOT_AFFECTING = "有反映，经核实不影响发展", "有反映，经核实不影响发展"
        AFFECTING = "有反映，影响发展", "有反映，影响发展"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="publicities")
    stage = models.CharField(_("公示环节"), max_length=20, choices=Stage.choices)
    start = models.DateField(_("公示开始日期"))
    end = models.DateField(_("公示结束日期"))
    places = models.JSONField(_("公示地点"), default=list)  # one per place; 流动人员: 流出地 and 流入地
    outcome = models.CharField(_("公示结果"), max_length=30, choices=Outcome.choices)
    notes = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["applicant_id", "start", "id"]


class Event(models.Model):
    """Append-only log of everything that happened to an applicant, each attributed to a user."""

    class Kind(models.TextChoices):
        CREATED = "created", "建档"
        STEP = "step", "完成步骤"
        REFUSED = "refused", "被规则拒绝"
        ASSESSMENT = "assessment", "考察"
        TRAINING = "training", "培训"
        MATERIAL = "material", "上传材料"
        TRANSFER = "transfer", "转接"
        PROBATION = "probation", "预备期变更"
        TERMINAL = "terminal", "终止"
        REVIEW = "review", "预审"
        EDIT = "edit", "修改信息"
        WITHDRAW = "withdraw", "撤回材料"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    step = models.PositiveSmallIntegerField(null=True, blank=True, validators=bounded(0, MAX_STEP))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    message = models.TextField()
    rules = models.JSONField(default=list, blank=True)  # [{"rule": "R6", "kind": "hard", "message": "…"}]

    class Meta:
        ordering = ["applicant_id", "at", "id"]
        indexes = [models.Index(fields=["applicant", "at"], name="event_applicant_at")]


class AccessKind(models.TextChoices):
    VIEW = "view", "查看人员信息"
    DOWNLOAD = "download", "下载文件"
    EXPORT = "export", "导出"


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Entries about people in the user's subtree, and exports (no one person) by users of it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        org = getattr(user, "organization", None)
        if org is None:
            return self.none()
        return self.filter(
            models.Q(applicant__branch__path__startswith=org.path)
            | models.Q(applicant__isnull=True, user__organization__path__startswith=org.path)
        )


class AccessLog(models.Model):
    """Who saw or took a person's data, when, from where: a person's page (where the full 公民身份号码
    is shown), a file of their archive or an opinion file, their archive zip, and every export that
    carries full ID numbers (the 台账, which re-import keys on). Append-only, written by
    ``applicants.services.access_record``; department staff read it at 访问记录."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # None: the command line
    kind = models.CharField(_("类别"), max_length=10, choices=AccessKind.choices)
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )  # None: an export of many people
    what = models.CharField(_("内容"), max_length=300)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "at"], name="accesslog_applicant_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or '命令行'} {self.get_kind_display()} {self.what}"
