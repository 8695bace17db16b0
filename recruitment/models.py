"""Organization tree, users with roles, and the party-member registry.

The tree uses a materialized path: ``path`` is the concatenation of each ancestor's id as fixed-width
hex (8 characters per level, root first, the node itself last). A subtree is one indexed
``path LIKE 'prefix%'`` query; ancestors are the prefixes of a path. No recursive walks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recruitment.bounds import MAX_COUNT, bounded

PATH_STEP = 8
ORG_CODE_PATTERN = r"^[A-Za-z0-9_-]+$"  # it appears in URLs and file names


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}x}"


class Sector(models.TextChoices):
    RURAL = "农村（社区）", _("农村（社区）")
    PRIVATE = "非公企业", _("非公企业")
    SOCIAL = "社会组织", _("社会组织")
    PUBLIC_INSTITUTION = "机关事业单位", _("机关事业单位")
    STATE_ENTERPRISE = "国有企业", _("国有企业")
    UNIVERSITY = "高校", _("高校")
    OTHER = "其他", _("其他")

    @classmethod
    def two_new(cls) -> set[str]:
        """两新组织: 非公企业 and 社会组织."""
        return {cls.PRIVATE, cls.SOCIAL}


class OrgLevel(models.TextChoices):
    DEPARTMENT = "组织部门", _("组织部门")
    COMMITTEE = "党委", _("党委")
    WORKING_COMMITTEE = "党工委", _("党工委")
    GENERAL_BRANCH = "党总支", _("党总支")
    BRANCH = "党支部", _("党支部")

    @classmethod
    def committee_levels(cls) -> set[str]:
        """Levels with approval power over their subtree (the "upper committee")."""
        return {cls.COMMITTEE, cls.WORKING_COMMITTEE}


class Role(models.TextChoices):
    BRANCH_SECRETARY = "branch", _("党支部书记/组织委员")
    COMMITTEE_STAFF = "committee", _("党(工)委组织员")
    DEPARTMENT_STAFF = "department", _("组织部工作人员")
    INSPECTOR = "inspector", _("督查员（只读）")


class ScopedQuerySet(QuerySet):
    """A queryset that can be narrowed to what a user may see.

    Subclasses name the path to the owning organization in ``scope_field`` (e.g. ``"branch"``).
    """

    scope_field = "organization"

    def visible_to(self, user) -> QuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        org = getattr(user, "organization", None)
        if org is None:
            return self.none()
        prefix = f"{self.scope_field}__path__startswith" if self.scope_field else "path__startswith"
        return self.filter(**{prefix: org.path})


class OrganizationQuerySet(ScopedQuerySet):
    scope_field = ""

    def subtree(self, org: Organization, include_self: bool = True) -> QuerySet:
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def branches(self) -> QuerySet:
        return self.filter(level=OrgLevel.BRANCH)

    def committees(self) -> QuerySet:
        return self.filter(level__in=OrgLevel.committee_levels())


class Organization(models.Model):
    code = models.CharField(
        _("编码"),
        max_length=50,
        unique=True,
        validators=[RegexValidator(ORG_CODE_PATTERN, _("编码只能包含字母、数字、“-”和“_”"))],
    )
    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=10, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    last_recruit_on = models.DateField(
        _("最近发展党员日期（上线前）"),
        null=True,
        blank=True,
        help_text=_("党支部在本系统上线前最近一次发展党员的日期（组织导入时填写），未发展党员组织扫描据此判断"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    path = models.CharField(max_length=255, editable=False, default="")  # indexed by org_path_like
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    history = HistoricalRecords(excluded_fields=["path", "depth"])

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs a pattern-ops index under non-C collations.
            models.Index(fields=["path"], name="org_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "sector"], name="org_level_sector"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    # --- tree -------------------------------------------------------------------------------
    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return prefix + path_segment(self.pk)

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        new_path = self.compute_path()
        if new_path != self.path:
            old_path = self.path
            self.path, self.depth = new_path, len(new_path) // PATH_STEP - 1
            Organization.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                rebase_subtree(old_path, new_path)

    def ancestor_ids(self) -> list[int]:
        return [int(self.path[i : i + PATH_STEP], 16) for i in range(0, len(self.path), PATH_STEP)][:-1]

    def ancestors(self) -> QuerySet:
        return Organization.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def descendants(self, include_self: bool = False) -> QuerySet:
        return Organization.objects.subtree(self, include_self=include_self)

    def spans_everything(self) -> bool:
        """True for the only root: its subtree is every organization, so a subtree filter on it
        can be left out (no join to the organization table, which province-wide aggregates pay
        for 200,000 times). One query, remembered on the instance."""
        if not hasattr(self, "_spans_everything"):
            self._spans_everything = self.parent_id is None and not (
                Organization.objects.filter(parent__isnull=True).exclude(pk=self.pk).exists()
            )
        return self._spans_everything

    def is_descendant_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path)

    @property
    def is_branch(self) -> bool:
        return self.level == OrgLevel.BRANCH

    def jurisdiction(self) -> Organization | None:
        """The organization department (组织部门) whose rules, plans and quotas govern this organization:
        the nearest ancestor-or-self of that level. One definition for the final review's quota
        effect, transfers, plans and county rule rows (on a province tree: the county, not the province)."""
        if self.level == OrgLevel.DEPARTMENT:
            return self
        ids = self.ancestor_ids()
        return Organization.objects.filter(pk__in=ids, level=OrgLevel.DEPARTMENT).order_by("-depth").first()

    def upper_committee(self) -> Organization | None:
        """The nearest ancestor (or self) with approval power: 党委/党工委."""
        ids = self.ancestor_ids() + [self.pk]
        return Organization.objects.filter(pk__in=ids, level__in=OrgLevel.committee_levels()).order_by("-depth").first()


def rebase_subtree(old_prefix: str, new_prefix: str) -> None:
    """Move every descendant path from one prefix to another in one statement."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Length, Substr

    Organization.objects.filter(path__startswith=old_prefix).exclude(path=new_prefix).update(
        path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1)),
        depth=(Length(Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))) / PATH_STEP) - 1,
    )


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Set when staff give the user a temporary password: every page sends them to the password
    # change page until they choose their own (recruitment.middleware).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ("系统管理员" if self.is_superuser else "")

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or self.role in roles

    def can_see(self, org: Organization | None) -> bool:
        if self.is_superuser:
            return True
        return bool(org and self.organization_id and org.path.startswith(self.organization.path))


class AccountAction(models.TextChoices):
    UNLOCK = "unlock", _("解除登录锁定")
    PASSWORD_RESET = "password_reset", _("重置密码")


class AccountEvent(models.Model):
    """Who unlocked a login or reset a password, for whom, when: written once, never edited."""

    action = models.CharField(_("事项"), max_length=20, choices=AccountAction.choices)
    actor = models.ForeignKey(User, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="account_actions")
    user = models.ForeignKey(
        User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="account_events"
    )
    username = models.CharField(_("用户名"), max_length=150)  # kept if the account goes
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("失败次数"), null=True, blank=True, validators=bounded(0, MAX_COUNT))
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("账号操作记录")
        verbose_name_plural = _("账号操作记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.username}"


class MemberStatus(models.TextChoices):
    FULL = "正式党员", _("正式党员")
    PROBATIONARY = "预备党员", _("预备党员")


class MemberQuerySet(ScopedQuerySet):
    scope_field = "branch"

    def full(self) -> QuerySet:
        return self.filter(status=MemberStatus.FULL, is_active=True)

    def eligible_introducers(self) -> QuerySet:
        """R7: 正式党员, not under 留党察看."""
        return self.full().filter(under_probation_watch=False)


class PartyMember(models.Model):
    """A member of the party registry who can act as 培养联系人 or 入党介绍人."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("公民身份号码"), max_length=18, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=2, blank=True)
    branch = models.ForeignKey(
        Organization, verbose_name=_("所在党支部"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("党员类别"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.FULL)
    under_probation_watch = models.BooleanField(_("留党察看"), default=False)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    full_member_since = models.DateField(_("转正日期（党龄起算）"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    history = HistoricalRecords()

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员名册")
        ordering = ["branch_id", "name"]
        # The stale scan's latest 入党日期 per branch in its window (recruitment source b): one index-only
        # lookup per branch for a subtree, one index-only range scan of the window for the province.
        indexes = [
            models.Index(fields=["branch", "joined_on"], name="member_branch_joined"),
            models.Index(fields=["joined_on", "branch"], name="member_joined_branch"),
        ]

    def __str__(self) -> str:
        flags = [self.status]
        if self.under_probation_watch:
            flags.append("留党察看")
        return f"{self.name}（{'，'.join(flags)}）"

    Q_ELIGIBLE = Q(status=MemberStatus.FULL, under_probation_watch=False, is_active=True)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The branch as read: a save that moves the member marks the branch they left (recruitment.changes).
        instance._db_branch_id = instance.__dict__.get("branch_id")
        return instance


class PenaltyKind(models.TextChoices):
    WARNING = "警告", _("警告")
    SERIOUS_WARNING = "严重警告", _("严重警告")
    REMOVAL_FROM_POST = "撤销党内职务", _("撤销党内职务")
    PROBATION_WATCH = "留党察看", _("留党察看")


class MemberPenalty(models.Model):
    """A disciplinary penalty of a member with its 影响期 (R7: 留党察看 bars introducing until rights are
    restored; R7B, 2026: within the 影响期 of 警告 / 严重警告 / 撤销党内职务 a member 不宜 introduce)."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="penalties")
    kind = models.CharField(_("处分类别"), max_length=10, choices=PenaltyKind.choices)
    decided_on = models.DateField(_("处分日期"))
    influence_until = models.DateField(_("影响期至"), null=True, blank=True,
                                       help_text=_("留党察看：恢复党员权利之日；其他处分：影响期届满之日"))  # fmt: skip
    notes = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党纪处分")
        verbose_name_plural = _("党纪处分")
        ordering = ["member_id", "decided_on"]

    def __str__(self) -> str:
        return f"{self.member.name} {self.kind}（{self.decided_on:%Y-%m-%d}）"

    def in_force_on(self, day) -> bool:
        return self.decided_on <= day and (self.influence_until is None or day <= self.influence_until)


class RuleKind(models.TextChoices):
    HARD = "hard", _("刚性（拒绝）")
    WARN = "warn", _("提示（允许并标记）")


class RuleVersion(models.TextChoices):
    """Which text a rule row comes from. The 细则 in force on a date decides (see applicants.rulebook)."""

    CHARTER = "charter", _("党章及1990年试行细则（2014年以前）")
    V2014 = "2014", _("细则（2014）")
    V2026 = "2026", _("细则（2026）")
    LOCAL = "local", _("本地规定")
    SYSTEM = "system", _("系统规则")


class RuleDefinition(models.Model):
    """One rule of the rule book as data: which rule (code → the check in ``applicants.rulebook``),
    how strict, which article of which version, when in force, and its parameters. A revised 细则 is
    new rows with a later ``effective_from``; history stays judged by the rows in force at each date.
    A row with a ``jurisdiction`` (an organization department) applies in that subtree only and
    takes precedence there over the national row (county switches, local practice)."""

    code = models.CharField(_("规则编号"), max_length=10)
    title = models.CharField(_("规则"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices)
    version = models.CharField(_("版本"), max_length=10, choices=RuleVersion.choices, default=RuleVersion.V2014)
    article = models.CharField(_("依据"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    jurisdiction = models.ForeignKey(
        "Organization",
        verbose_name=_("适用范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        db_constraint=False,  # the benchmark empties the tree with TRUNCATE and keeps the rule rows
        help_text=_("留空为全国通用；填写组织部门则只在其管辖范围内适用，并优先于通用规则"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规则")
        verbose_name_plural = _("规则库")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"],
                condition=models.Q(jurisdiction__isnull=True),
                name="rule_code_from_unique",
            ),
            models.UniqueConstraint(
                fields=["code", "effective_from", "jurisdiction"],
                condition=models.Q(jurisdiction__isnull=False),
                name="rule_code_from_jurisdiction_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}（{self.article}）"


class WorkCalendarDay(models.Model):
    """An exception to the Monday–Friday week, maintained by the organization department: a 法定节假日 on
    a weekday (not a working day) or a 调休 weekend day (a working day). A year with no entry is counted
    Monday–Friday and said to be provisional (recruitment.calendar)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：调休上班的周末；不勾选：放假的工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如：国庆节、春节调休"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.note}".strip()


class ChangeMark(models.Model):
    """One write seen from a scope (issue 14): a person's write adds a mark for their branch and each
    organization above it, a quota setting's write one for ``quotas``. The newest mark of a scope
    (``MAX(id)``, one index lookup) keys the pages cached for it, so a committee's page costs the same
    to validate as a branch's. Insert-only: writers never wait on each other; the marks become visible
    with the write's commit. Pruned nightly to the newest mark per scope (recruitment.changes)."""

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["scope", "id"], name="changemark_scope_id")]

    def __str__(self) -> str:
        return f"{self.scope}#{self.id}"
