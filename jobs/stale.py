"""Organizations that recruit nobody (seeds 000, 003): the stale-organization scan.

Definitions (as of a date ``D``; ``add_years`` maps 29 Feb to 1 Mar; the red window starts at
``add_years(D, -red_years)``, the watch window at ``add_years(D, -watch_years)``):

- **a recruit** (rule book, "What counts as a recruit") comes from any of three sources, and the
  branch's last recruit is the latest of them:

  (a) *approval* — a step-17 approval recorded in the system: ``Applicant.admitted_on <= D`` with
      ``admitted_branch`` = the branch (the snapshot at approval, so a member who later moved does
      not move the branch's record);
  (b) *register* — a member on the 党员名册 (``PartyMember``, any row) of the branch whose 入党日期
      ``joined_on`` falls in the window: on or after the earlier window start and ``<= D``. Older
      入党日期 on the register say nothing about this branch (members move between branches);
  (c) *import* — the ``Organization.last_recruit_on`` (最近发展党员日期) supplied with the organization
      import for the years before the system, if ``<= D``.

  Dates after ``D`` are ignored, so a past date can be re-scanned (the register is read as it is now).
- **red** ("3年未发展党员", must be cleared this year): no recruit in the 3 years up to ``D`` — i.e.
  none after ``add_years(D, -3)``; a recruit exactly 3 years before ``D`` is *outside* the window (on
  that day the branch has gone three full years without one) — and the branch was founded on or
  before ``add_years(D, -3)``. A branch with no founding date recorded is treated as old enough: an
  unknown date does not excuse it. The reason says which case it is:

  - "3y": the last recruit is known and 3 years old or more;
  - "never" (成立以来未发展): no source at all and the branch was founded exactly at the window's
    start, so its whole life lies in the window the system knows;
  - "unknown" (发展历史不详): no source at all and the branch was founded before the window (or its
    founding date is unknown) — its history before the system is missing: enter its
    最近发展党员日期 with the organization import. Still red: nothing shows a recruit.
- **watch** (not red): no recruit in the last 2 years (none after ``add_years(D, -2)``) for a
  branch founded on or before ``add_years(D, -2)`` — reason "2y"; otherwise too small a
  reserve — reason "reserve": fewer than ``reserve_min`` (default 1, i.e. none at all) active
  applicants whose current step is 3–16 (入党积极分子 and 发展对象 not yet approved) in the branch
  now. The reserve is the current count even for a past ``D`` (there is no history of it).
  A branch failing both watch criteria gets reason "2y".

Each flag keeps the source of its last recruit (``last_source``: approval / register / import; on a
tie the system's own approval wins, then the register).

The thresholds are rule data (``RuleDefinition`` code ``STALE``; params red_years, watch_years,
reserve_min), so a county can change them without a release.

The scan is set-based: one aggregate query over branches (for the whole province three GROUP BY
aggregates joined to the branches; for one subtree three correlated subqueries using the
``admitted_branch``, ``(branch, joined_on)`` and ``(branch, status, current_step)`` indexes), one
query for the previous scan's flags, and batched inserts — no query per branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from applicants.models import Applicant, ApplicantStatus
from applicants.rulebook import RuleSet
from recruitment.dates import add_years
from recruitment.models import Organization, OrgLevel, PartyMember, User

from .models import FollowUp, StaleChange, StaleFlag, StaleLevel, StaleScan

RULE_CODE = "STALE"
DEFAULTS = {"red_years": 3, "watch_years": 2, "reserve_min": 1}
RESERVE_STEPS = (3, 16)  # activists (3–6) and 发展对象 (7–16) not yet approved at step 17


@dataclass(frozen=True)
class Thresholds:
    red_years: int = 3
    watch_years: int = 2
    reserve_min: int = 1

    @classmethod
    def in_force(cls, on: dt.date, reserve_min: int | None = None) -> Thresholds:
        params = {**DEFAULTS, **(RuleSet.load().params(RULE_CODE, on) or {})}
        if reserve_min is not None:
            params["reserve_min"] = reserve_min
        return cls(
            red_years=int(params["red_years"]),
            watch_years=int(params["watch_years"]),
            reserve_min=int(params["reserve_min"]),
        )

    def window_start(self, as_of: dt.date) -> dt.date:
        """The earliest 入党日期 on the register that can matter on ``as_of`` (source b)."""
        return min(add_years(as_of, -self.red_years), add_years(as_of, -self.watch_years))


@dataclass(frozen=True)
class BranchState:
    org_id: int
    code: str
    founded_on: dt.date | None
    last_admitted: dt.date | None  # the last recruit, from whichever source is latest
    reserve: int
    level: str
    reason: str
    last_source: str = ""  # approval / register / import, "" when there is none


def branch_states(*, as_of: dt.date, window_from: dt.date, within: Organization | None = None) -> QuerySet:
    """Every active branch existing on ``as_of`` with its last recruit from each source and its
    reserve (one query; three correlated subqueries per branch). ``window_from``: the earliest
    入党日期 on the register that counts (``Thresholds.window_start``)."""
    last = (
        Applicant.objects.filter(admitted_branch=OuterRef("pk"), admitted_on__lte=as_of)
        .order_by()
        .values("admitted_branch")
        .annotate(m=Max("admitted_on"))
        .values("m")
    )
    joined = (
        PartyMember.objects.filter(branch=OuterRef("pk"), joined_on__gte=window_from, joined_on__lte=as_of)
        .order_by()
        .values("branch")
        .annotate(m=Max("joined_on"))
        .values("m")
    )
    reserve = (
        Applicant.objects.filter(
            branch=OuterRef("pk"),
            status=ApplicantStatus.ACTIVE,
            current_step__gte=RESERVE_STEPS[0],
            current_step__lte=RESERVE_STEPS[1],
        )
        .order_by()
        .values("branch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Organization.objects.filter(level=OrgLevel.BRANCH, is_active=True).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=as_of)
    )
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return (
        qs.order_by()
        .annotate(
            org_id=F("pk"),
            org_code=F("code"),
            org_founded_on=F("founded_on"),  # named columns for _classified_sql
            last_approved=Subquery(last),
            last_joined=Subquery(joined),
            last_imported=Case(
                When(last_recruit_on__lte=as_of, then=F("last_recruit_on")), default=None, output_field=DateField()
            ),
            reserve=Coalesce(Subquery(reserve, output_field=IntegerField()), Value(0)),
        )
        .values_list(*STATE_COLUMNS)
    )


STATE_COLUMNS = ("org_id", "org_code", "org_founded_on", "last_approved", "last_joined", "last_imported", "reserve")


def _all_branch_states_sql(*, as_of: dt.date, window_from: dt.date) -> tuple[str, list]:
    """``branch_states`` for every branch of the province, as three GROUP BY aggregates joined to the
    branches: one pass over the admissions, one over the register's 入党日期 in the window (a range
    of the ``(joined_on, branch)`` index) and one over the active reserve, instead of three indexed
    lookups per branch (7× faster at 200,000 branches; bench/ANALYSIS.md). Same columns."""
    q = connection.ops.quote_name
    app, org = q(Applicant._meta.db_table), q(Organization._meta.db_table)
    member = q(PartyMember._meta.db_table)
    sql = (
        f"SELECT o.id AS org_id, o.code AS org_code, o.founded_on AS org_founded_on, "
        f"la.m AS last_approved, lj.m AS last_joined, "
        f"CASE WHEN o.last_recruit_on <= %s THEN o.last_recruit_on END AS last_imported, "
        f"COALESCE(r.n, 0) AS reserve FROM {org} o "
        f"LEFT JOIN (SELECT admitted_branch_id AS bid, MAX(admitted_on) AS m FROM {app} "
        f"WHERE admitted_on <= %s AND admitted_branch_id IS NOT NULL GROUP BY admitted_branch_id) la ON la.bid = o.id "
        f"LEFT JOIN (SELECT branch_id AS bid, MAX(joined_on) AS m FROM {member} "
        f"WHERE joined_on >= %s AND joined_on <= %s GROUP BY branch_id) lj ON lj.bid = o.id "
        f"LEFT JOIN (SELECT branch_id AS bid, COUNT(*) AS n FROM {app} "
        f"WHERE status = %s AND current_step >= %s AND current_step <= %s GROUP BY branch_id) r ON r.bid = o.id "
        f"WHERE o.level = %s AND o.is_active AND (o.founded_on IS NULL OR o.founded_on <= %s)"
    )
    params = [as_of, as_of, window_from, as_of]
    params += [ApplicantStatus.ACTIVE.value, RESERVE_STEPS[0], RESERVE_STEPS[1], OrgLevel.BRANCH.value, as_of]
    return sql, params


# The latest of the three sources and which one it is (NULL-safe on every backend: SQLite's max()
# and PostgreSQL's GREATEST treat NULL differently). Ties go to the approval, then the register.
_APPROVAL_WINS = (
    "b0.last_approved IS NOT NULL AND (b0.last_joined IS NULL OR b0.last_approved >= b0.last_joined) "
    "AND (b0.last_imported IS NULL OR b0.last_approved >= b0.last_imported)"
)
_REGISTER_WINS = "b0.last_joined IS NOT NULL AND (b0.last_imported IS NULL OR b0.last_joined >= b0.last_imported)"
_LAST_RECRUIT = (
    f"CASE WHEN {_APPROVAL_WINS} THEN b0.last_approved WHEN {_REGISTER_WINS} THEN b0.last_joined "
    "ELSE b0.last_imported END"
)
_LAST_SOURCE = (
    f"CASE WHEN {_APPROVAL_WINS} THEN 'approval' WHEN {_REGISTER_WINS} THEN 'register' "
    "WHEN b0.last_imported IS NOT NULL THEN 'import' ELSE '' END"
)


def _classified_sql(*, as_of: dt.date, t: Thresholds, within: Organization | None = None) -> tuple[str, list]:
    """The rule, once, in SQL over ``branch_states``: (org_id, code, founded_on, last_admitted,
    reserve, level, reason) for every flagged branch. A derived table so each correlated subquery
    runs once per branch, and the whole scan can be one INSERT … SELECT."""
    window_from = t.window_start(as_of)
    if within is None:
        inner, params = _all_branch_states_sql(as_of=as_of, window_from=window_from)
    else:
        inner, params = branch_states(as_of=as_of, window_from=window_from, within=within).query.sql_with_params()
    red_cut, watch_cut = add_years(as_of, -t.red_years), add_years(as_of, -t.watch_years)
    old_red = "(b.org_founded_on IS NULL OR b.org_founded_on <= %s)"
    old_watch = "(b.org_founded_on IS NULL OR b.org_founded_on <= %s)"
    level = (
        f"CASE WHEN {old_red} AND (b.last_admitted IS NULL OR b.last_admitted <= %s) THEN 'red' "
        f"WHEN {old_watch} AND (b.last_admitted IS NULL OR b.last_admitted <= %s) THEN 'watch' "
        "WHEN b.reserve < %s THEN 'watch' ELSE '' END"
    )
    level_params = [red_cut, red_cut, watch_cut, watch_cut, t.reserve_min]
    # no source at all: "never" only when the branch's whole life lies in the window (founded exactly
    # at its start; a younger branch is not red), otherwise its history before the system is unknown
    reason = (
        f"CASE WHEN {old_red} AND b.last_admitted IS NULL "
        "THEN CASE WHEN b.org_founded_on = %s THEN 'never' ELSE 'unknown' END "
        f"WHEN {old_red} AND b.last_admitted <= %s THEN '3y' "
        f"WHEN {old_watch} AND (b.last_admitted IS NULL OR b.last_admitted <= %s) THEN '2y' "
        "WHEN b.reserve < %s THEN 'reserve' ELSE '' END"
    )
    reason_params = [red_cut, red_cut, red_cut, red_cut, watch_cut, watch_cut, t.reserve_min]
    # MATERIALIZED: without it PostgreSQL inlines the derived table and runs the correlated
    # subqueries once per mention in the CASEs (6× slower at 200,000 branches). SQLite ≥ 3.35 accepts it.
    # ``b`` (the latest source, plain scalar CASEs over ``b0``'s columns) may be inlined.
    sql = (
        f"WITH b0 AS MATERIALIZED ({inner}), "
        f"b AS (SELECT b0.org_id, b0.org_code, b0.org_founded_on, b0.reserve, "
        f"{_LAST_RECRUIT} AS last_admitted, {_LAST_SOURCE} AS last_source FROM b0) "
        f"SELECT c.* FROM (SELECT b.org_id, b.org_code AS code, b.org_founded_on AS founded_on, b.last_admitted, "
        f"b.reserve, {level} AS level, {reason} AS reason, b.last_source FROM b) c WHERE c.level <> ''"
    )
    return sql, [*params, *level_params, *reason_params]


def stale_evaluate(*, as_of: dt.date, thresholds: Thresholds, within: Organization | None = None):
    """Yield a BranchState for every flagged branch (no writes), in code order."""
    sql, params = _classified_sql(as_of=as_of, t=thresholds, within=within)
    with connection.cursor() as cur:
        cur.execute(sql + " ORDER BY c.code", params)
        for org_id, code, founded, last, reserve, level, reason, source in cur.fetchall():
            yield BranchState(org_id, code, _date(founded), _date(last), reserve, level, reason, source)


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@transaction.atomic
def stale_scan_run(
    *, as_of: dt.date, actor: User | None = None, source: str = "task", reserve_min: int | None = None
) -> StaleScan:
    """Scan every branch as of ``as_of`` and store the flags. Idempotent: a second run for the same
    date replaces that date's results (the nightly retry or a manual re-run leaves one scan).

    Set-based: the flags are one INSERT … SELECT and the list changes two more, whatever the
    number of branches."""
    thresholds = Thresholds.in_force(as_of, reserve_min)
    scan, _ = StaleScan.objects.select_for_update().get_or_create(
        as_of=as_of, defaults={"actor": actor, "source": source}
    )
    scan.flags.all().delete()
    scan.changes.all().delete()
    previous = StaleScan.objects.filter(as_of__lt=as_of).order_by("-as_of").first()
    prev_id = previous.pk if previous else 0

    q = connection.ops.quote_name
    flag_t, change_t = q(StaleFlag._meta.db_table), q(StaleChange._meta.db_table)
    select, params = _classified_sql(as_of=as_of, t=thresholds)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {flag_t} (scan_id, org_id, level, reason, last_admitted, last_source, reserve, previous_level) "
            f"SELECT %s, c.org_id, c.level, c.reason, c.last_admitted, c.last_source, c.reserve, COALESCE(p.level, '') "
            f"FROM ({select}) c LEFT JOIN {flag_t} p ON p.scan_id = %s AND p.org_id = c.org_id",
            [scan.pk, *params, prev_id],
        )
        # entered a list or moved between lists
        cur.execute(
            f"INSERT INTO {change_t} (scan_id, org_id, {q('before')}, {q('after')}) "
            f"SELECT scan_id, org_id, previous_level, level FROM {flag_t} WHERE scan_id = %s AND previous_level <> level",
            [scan.pk],
        )
        # left every list
        cur.execute(
            f"INSERT INTO {change_t} (scan_id, org_id, {q('before')}, {q('after')}) "
            f"SELECT %s, p.org_id, p.level, '' FROM {flag_t} p LEFT JOIN {flag_t} c ON c.scan_id = %s AND c.org_id = p.org_id "
            "WHERE p.scan_id = %s AND c.id IS NULL",
            [scan.pk, scan.pk, prev_id],
        )
    counts = dict(StaleFlag.objects.filter(scan=scan).values_list("level").annotate(n=Count("pk")).order_by())
    branches = (
        Organization.objects.filter(level=OrgLevel.BRANCH, is_active=True)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=as_of))
        .count()
    )

    scan.actor, scan.source, scan.reserve_min = actor, source, thresholds.reserve_min
    scan.branch_count = branches
    scan.red_count, scan.watch_count = counts.get(StaleLevel.RED, 0), counts.get(StaleLevel.WATCH, 0)
    scan.finished_at = timezone.now()
    scan.save(
        update_fields=["actor", "source", "reserve_min", "branch_count", "red_count", "watch_count", "finished_at"]
    )
    return scan


@transaction.atomic
def stale_follow_up_add(*, org: Organization, date: dt.date, note: str, author: User) -> FollowUp:
    """定期跟踪指导: staff record what they did about a branch (attributed, append-only)."""
    from recruitment.errors import DomainError
    from recruitment.scope import STAFF_ROLES

    if not author.has_role(*STAFF_ROLES) or not author.can_see(org):
        raise DomainError.single("STALE", "只有管辖该支部的党(工)委或组织部工作人员可以记录跟踪指导")
    if date > timezone.localdate():
        raise DomainError.single("STALE", "跟踪日期不能晚于今天", field="date")
    if not note.strip():
        raise DomainError.single("STALE", "请填写跟踪指导情况", field="note")
    return FollowUp.objects.create(org=org, date=date, note=note.strip(), author=author)


# --- selectors ------------------------------------------------------------------------------------


def stale_latest_scan(*, on_or_before: dt.date | None = None) -> StaleScan | None:
    qs = StaleScan.objects.filter(finished_at__isnull=False)
    if on_or_before:
        qs = qs.filter(as_of__lte=on_or_before)
    return qs.order_by("-as_of").first()


def stale_flag_list(
    *,
    user: User | None,
    scan: StaleScan,
    within: Organization | None = None,
    level: str = "",
    sector: str = "",
    q: str = "",
    new_only: bool = False,
) -> QuerySet:
    """Flags of a scan, scoped to the user's subtree (or to ``within`` for emails)."""
    qs = StaleFlag.objects.filter(scan=scan)
    if user is not None:
        qs = qs.visible_to(user)
    if within is not None:
        qs = qs.filter(org__path__startswith=within.path)
    if level:
        qs = qs.filter(level=level)
    if sector:
        qs = qs.filter(org__sector=sector)
    if q:
        qs = qs.filter(Q(org__code__icontains=q) | Q(org__name__icontains=q))
    if new_only:
        qs = qs.exclude(previous_level=F("level"))
    return qs.select_related("org", "org__parent").order_by("level", "org__code")


def committee_of_paths(orgs: list[Organization]) -> dict[int, Organization]:
    """Upper committee of each org, with one query for all (ancestors are path prefixes)."""
    from recruitment.models import PATH_STEP

    ancestor_ids = {int(o.path[i : i + PATH_STEP], 16) for o in orgs for i in range(0, len(o.path), PATH_STEP)}
    committees = {
        c.pk: c for c in Organization.objects.filter(pk__in=ancestor_ids, level__in=OrgLevel.committee_levels())
    }
    out = {}
    for o in orgs:
        ids = [int(o.path[i : i + PATH_STEP], 16) for i in range(0, len(o.path), PATH_STEP)]
        for pk in reversed(ids):
            if pk in committees:
                out[o.pk] = committees[pk]
                break
    return out


def stale_summary_by_committee(*, flags: QuerySet) -> list[dict]:
    """Red/watch counts per upper committee for a list of flags (one query + one for committees)."""
    rows = list(flags.values_list("org_id", "org__path", "level"))
    fake = [Organization(pk=pk, path=path) for pk, path, _ in rows]
    committee = committee_of_paths(fake)
    summary: dict[int, dict] = {}
    for pk, _, lvl in rows:
        c = committee.get(pk)
        if c is None:
            continue
        s = summary.setdefault(c.pk, {"committee": c, "red": 0, "watch": 0})
        s[lvl] += 1
    return sorted(summary.values(), key=lambda s: s["committee"].code)


def stale_org_history(*, org: Organization) -> dict:
    """One branch: its flag in each scan (latest first), list entries/exits, and follow-ups."""
    return {
        "flags": list(StaleFlag.objects.filter(org=org).select_related("scan").order_by("-scan__as_of")[:60]),
        "changes": list(StaleChange.objects.filter(org=org).select_related("scan").order_by("-scan__as_of")[:60]),
        "follow_ups": list(FollowUp.objects.filter(org=org).select_related("author")),
    }
