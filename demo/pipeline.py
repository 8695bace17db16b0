"""Demo applicants for the demo county: ~750 people over all 25 steps and the last ~4 years, written
through the services (so every record obeys the rules and is attributed), deterministic (seeded RNG)
and idempotent (people are keyed by their ID number; a second run creates nothing).

What the demo shows on purpose:
* every step occupied, in the demo users' branches HC0101 (zhibu) and HC0201 (zhibu2) too, with
  people at step 14 ready for the branch meeting and activists at step 6 refused at step 7 (R6);
* reminders: talks overdue (R2), half-yearly assessments missing (R5), approvals close to the
  3-month limit (R12), probation ended and waiting for conversion (R14);
* 不予发展, one 取消预备党员资格, one probation extension, one transfer;
* stale organizations: a few branches with no recruit for 3 years (red) or 2 (watch) — no approval
  (step 17) and no 入党日期 on the register in that time — and the branches' go-live history (最近发展党员日期
  before the system), two of them left unknown (发展历史不详);
* admitted members by sector plausible for past years, with 非公企业 above its 20% cap this year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from faker import Faker

from applicants import steps as S
from applicants.models import Applicant, ApplicantStatus, ArchiveExemption, PersonRole
from applicants.rulebook import RuleSet
from applicants.services import (
    applicant_add_assessment,
    applicant_create,
    applicant_record_step,
    applicant_terminate,
    applicant_transfer,
    archive_exempt,
    consent_record,
    publicity_record,
)
from applicants.steps import Actor, Kind, get_step
from demo.county import BRANCH_STAND_IN, COMMITTEE_STAND_IN
from recruitment.dates import add_months, add_years
from recruitment.errors import DomainError
from recruitment.idcard import make_id_number
from recruitment.models import MemberStatus, Organization, PartyMember, Sector

SEED = 20262
# Days between steps (low, high); 6, 7, 22 and 23 follow the rules instead (see _timeline).
GAPS = {
    2: (7, 25),
    3: (60, 150),
    4: (5, 15),
    5: (3, 10),
    8: (5, 15),
    9: (3, 10),
    10: (10, 30),
    11: (10, 30),
    12: (5, 15),
    13: (5, 15),
    14: (3, 10),
    15: (5, 20),
    16: (5, 15),
    17: (10, 55),
    18: (1, 8),
    19: (1, 7),
    20: (1, 10),  # the oath within a month of approval (R28)
    21: (120, 200),
    24: (10, 50),
    25: (5, 20),
}
# How many people end at each step (active), before the special cases below.
FINAL_STEPS = {
    1: 40,
    2: 40,
    3: 40,
    4: 25,
    5: 35,
    6: 60,
    7: 25,
    8: 12,
    9: 12,
    10: 12,
    11: 15,
    12: 10,
    13: 10,
    14: 15,
    15: 12,
    16: 15,
    17: 12,
    18: 12,
    19: 12,
    20: 15,
    21: 25,
    22: 20,
    23: 10,
    24: 15,
    25: 130,
}
SECTOR_WEIGHTS = {
    Sector.RURAL: 42,
    Sector.PUBLIC_INSTITUTION: 28,
    Sector.PRIVATE: 16,
    Sector.SOCIAL: 7,
    Sector.STATE_ENTERPRISE: 7,
}
# New members (step 17) by sector: within the Hancheng shares in past years; this year 非公企业 is too high.
ADMITTED_WEIGHTS = {
    Sector.RURAL: 37,
    Sector.PUBLIC_INSTITUTION: 33,
    Sector.PRIVATE: 18,
    Sector.SOCIAL: 8,
    Sector.STATE_ENTERPRISE: 4,
}
ADMITTED_WEIGHTS_THIS_YEAR = {
    Sector.RURAL: 31,
    Sector.PUBLIC_INSTITUTION: 30,
    Sector.PRIVATE: 27,
    Sector.SOCIAL: 8,
    Sector.STATE_ENTERPRISE: 4,
}


@dataclass
class Spec:
    final: int
    dates: dict[int, dt.date]
    gender: str
    birth: dt.date
    name: str
    branch: Organization | None = None
    id_number: str = ""
    special: str = ""  # not_developed / cancel / extend / transfer / refuse7 / no_assessment
    extra: dict = field(default_factory=dict)


def _timeline(rng: random.Random, start: dt.date) -> dict[int, dt.date]:
    """A complete 25-step timeline from an application date that obeys every rule."""
    d = {S.APPLICATION: start}
    for n in range(S.TALK, S.LAST_STEP + 1):
        if n == S.ACTIVIST_EDUCATION:
            continue
        if n == S.CANDIDATE:
            d[S.CANDIDATE] = add_years(d[S.ACTIVIST], 1) + dt.timedelta(days=rng.randint(0, 60))
            d[S.ACTIVIST_EDUCATION] = max(d[S.CONTACTS], d[S.CANDIDATE] - dt.timedelta(days=rng.randint(1, 10)))
        elif n == S.CONVERSION_REQUEST:
            end = add_years(d[S.BRANCH_MEETING], 1)
            d[S.CONVERSION_REQUEST] = max(d[S.PROBATION_EDUCATION], end - dt.timedelta(days=rng.randint(5, 25)))  # R22
        elif n == S.CONVERSION_MEETING:
            d[S.CONVERSION_MEETING] = add_years(d[S.BRANCH_MEETING], 1) + dt.timedelta(days=rng.randint(0, 20))
        else:
            low, high = GAPS[n]
            d[n] = d[n - 1] + dt.timedelta(days=rng.randint(low, high))
    return dict(sorted(d.items()))


def _shift(dates: dict[int, dt.date], step: int, anchor: dt.date) -> dict[int, dt.date]:
    """Move the whole timeline so that ``step`` falls on ``anchor``, then re-apply the anniversaries
    (a shift across 29 February can move an anniversary by a day): R6 at 7, R14 at 23."""
    delta = anchor - dates[step]
    d = {n: day + delta for n, day in dates.items()}
    for n in range(S.TALK, S.LAST_STEP + 1):
        floor = d[n - 1]
        if n == S.CANDIDATE:
            floor = max(floor, add_years(d[S.ACTIVIST], 1))
        if n == S.CONVERSION_MEETING:
            floor = max(floor, add_years(d[S.BRANCH_MEETING], 1))
        d[n] = max(d[n], floor)
    return d


def _specs(rng: random.Random, fake: Faker, today: dt.date) -> list[Spec]:
    specs: list[Spec] = []

    def person(final: int, *, anchor: dt.date | None = None, overdue: bool = False, special: str = "") -> Spec:
        gender = "女" if rng.random() < 0.38 else "男"
        full = _timeline(rng, dt.date(2000, 1, 1))
        if anchor is None:
            if final < 25:
                gap = (full[final + 1] - full[final]).days
                back = gap + rng.randint(5, 60) if overdue else rng.randint(0, max(gap - 1, 0))
                anchor = today - dt.timedelta(days=back)
            else:
                anchor = today - dt.timedelta(days=rng.randint(30, 700))
        dates = _shift(full, final, anchor)
        age = rng.randint(19, 45) if rng.random() < 0.85 else rng.randint(46, 55)
        birth = dates[1] - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        name = fake.name_male() if gender == "男" else fake.name_female()
        s = Spec(final=final, dates=dates, gender=gender, birth=birth, name=name, special=special)
        specs.append(s)
        return s

    for final, count in FINAL_STEPS.items():
        for i in range(count):
            overdue = (final == 1 and i < 12) or (final == 16 and i < 6) or (final == 22 and i < 10)
            s = person(final, overdue=overdue and final != 16)
            if final == 16 and i < 6:  # approval close to the 3-month limit
                s.dates = _shift(s.dates, 15, today - dt.timedelta(days=rng.randint(70, 88)))
            if final == 22 and i < 10:  # probation ended, conversion meeting not held yet
                s.dates = _shift(s.dates, 15, today - dt.timedelta(days=365 + rng.randint(10, 60)))
            if S.within(S.AS_ACTIVIST, final) and i % 9 == 0:
                s.special = "no_assessment"
    # 25: admitted in the previous ~3.5 years.
    for s in specs:
        if s.final == S.LAST_STEP:
            s.dates = _shift(
                _timeline(rng, dt.date(2000, 1, 1)), S.APPROVAL, today - dt.timedelta(days=rng.randint(480, 1300))
            )
            s.birth = s.dates[1] - dt.timedelta(days=rng.randint(19, 45) * 365 + rng.randint(0, 364))
    for special, final in [
        ("not_developed", 3),
        ("not_developed", 5),
        ("not_developed", 6),
        ("not_developed", 8),
        ("not_developed", 10),
        ("not_developed", 12),
        ("cancel", 22),
        ("extend", 22),
        ("transfer", 6),
        ("refuse7", 6),
        ("refuse7", 6),
        ("refuse7", 6),
        ("refuse7", 6),
    ]:
        s = person(final, anchor=today - dt.timedelta(days=rng.randint(30, 120)), special=special)
        if final == 22:  # probation already over: the meeting can cancel or extend it
            s.dates = _shift(s.dates, 15, today - dt.timedelta(days=365 + rng.randint(20, 50)))
        if special == "refuse7":  # activist for 8–11 months: step 7 is refused by R6 today
            s.dates = _shift(s.dates, 3, today - dt.timedelta(days=rng.randint(240, 330)))
            s.dates[6] = min(today, s.dates[5] + dt.timedelta(days=rng.randint(30, 60)))
    return specs


def _proportional(weights: dict[str, int], n: int) -> list[str]:
    """n sectors in the given proportions (largest remainder)."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _sector_of(branch: Organization) -> str:
    return branch.sector


def _choose(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _attributes(rng: random.Random, sector: str, branch: Organization) -> dict:
    name = branch.name
    if sector == Sector.RURAL:
        occupation = rng.choices(["农牧渔民", "工人", "其他", "专业技术人员"], [60, 15, 15, 10])[0]
        education = rng.choices(["初中及以下", "高中", "中专", "大学专科", "大学本科"], [30, 30, 15, 15, 10])[0]
        frontline = occupation in {"农牧渔民", "工人"}
    elif sector == Sector.PUBLIC_INSTITUTION:
        if any(k in name for k in ("学", "医院", "卫生院", "疾控", "幼儿园", "职教")):
            occupation = "专业技术人员"
        else:
            occupation = rng.choices(["党政机关工作人员", "专业技术人员"], [70, 30])[0]
        education = rng.choices(["研究生", "大学本科", "大学专科"], [15, 70, 15])[0]
        frontline = occupation == "专业技术人员" and rng.random() < 0.6
    elif sector == Sector.PRIVATE:
        occupation = rng.choices(["工人", "专业技术人员", "企业管理人员"], [50, 30, 20])[0]
        education = rng.choices(["高中", "中专", "大学专科", "大学本科"], [20, 25, 30, 25])[0]
        frontline = occupation == "工人" or rng.random() < 0.3
    elif sector == Sector.SOCIAL:
        occupation = rng.choices(["专业技术人员", "其他", "企业管理人员"], [45, 35, 20])[0]
        education = rng.choices(["大学专科", "大学本科", "高中"], [35, 45, 20])[0]
        frontline = rng.random() < 0.3
    else:
        occupation = rng.choices(["工人", "专业技术人员", "企业管理人员"], [40, 35, 25])[0]
        education = rng.choices(["中专", "大学专科", "大学本科", "研究生"], [15, 30, 45, 10])[0]
        frontline = occupation == "工人"
    return {
        "education": education,
        "occupation": occupation,
        "frontline": frontline,
        "ethnicity": "汉族" if rng.random() < 0.97 else rng.choice(["回族", "满族", "蒙古族"]),
        "household_registration": f"陕西省韩城市{name[:2]}",
        "phone": f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}",
        "is_league_member": rng.random() < 0.3,
    }


class _Actors:
    """Who records each step: the branch's secretary, the committee's staff, the department; else the system."""

    def __init__(self, users: dict):
        self.branch_users = {u.organization_id: u for u in users.values() if u.role == "branch"}
        self.committee_users = {u.organization_id: u for u in users.values() if u.role == "committee"}
        self.department = users.get("zuzhibu")
        self.stand_ins = (users.get(BRANCH_STAND_IN), users.get(COMMITTEE_STAND_IN))
        self._committee_of: dict[int, Organization | None] = {}

    def committee_of(self, branch: Organization) -> Organization | None:
        if branch.pk not in self._committee_of:
            self._committee_of[branch.pk] = branch.upper_committee()
        return self._committee_of[branch.pk]

    def for_step(self, branch: Organization, step: int):
        actor = get_step(step).actor
        if actor == Actor.BRANCH:
            return self.branch_users.get(branch.pk)
        if actor == Actor.COMMITTEE:
            committee = self.committee_of(branch)
            return self.committee_users.get(committee.pk) if committee else None
        return self.department


def seed(*, county, today: dt.date, log=print) -> None:
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    specs = _specs(rng, fake, today)
    branches = [b for b in county.branches if b.is_active]
    by_sector: dict[str, list[Organization]] = {}
    for b in branches:
        by_sector.setdefault(_sector_of(b), []).append(b)
    by_code = {b.code: b for b in branches}
    # Stale organizations: red = no approval for 3 years, watch = last approval 2–3 years ago.
    villages = [b for b in by_sector[Sector.RURAL] if b.code[:4] in {"HC03", "HC04", "HC07", "HC08"}]
    red = set(b.pk for b in villages[2::5][:8])
    watch = [b for b in villages[4::7] if b.pk not in red][:6]
    watch_ids = {b.pk for b in watch}
    home = [by_code.get("HC0101"), by_code.get("HC0201")]
    home_ids = {b.pk for b in home if b}
    two_new = [b for b in branches if b.code.startswith("HC10")]

    def pick(weights: dict[str, int], admitted_on: dt.date | None) -> Organization:
        while True:
            b = rng.choice(by_sector[_choose(rng, weights)])
            if b.pk in home_ids:
                continue
            if admitted_on and b.pk in red and admitted_on > today - dt.timedelta(days=3 * 365 + 30):
                continue
            if admitted_on and b.pk in watch_ids and admitted_on > today - dt.timedelta(days=2 * 365):
                continue
            return b

    # The demo users' branches: every step 1..25, plus more at 6, 7 and 14 (ready for the meeting).
    home_queue = {pk: list(range(1, 26)) + [6, 6, 7, 14, 14, 3, 1, 2] for pk in home_ids}
    refuse7 = [s for s in specs if s.special == "refuse7"]
    for s, b in zip(refuse7, home, strict=False):  # one refused attempt in each demo user's branch
        if b:
            s.branch = b
            home_queue[b.pk].remove(6)
    # New members by sector: allocated in proportion per year (not left to chance on small numbers).
    quota_sector: dict[int, str] = {}
    by_year: dict[int, list[Spec]] = {}
    for s in specs:
        if s.final >= 17 and s.branch is None and 17 in s.dates and s.dates[17] <= today:
            by_year.setdefault(s.dates[17].year, []).append(s)
    for year, group in by_year.items():
        weights = ADMITTED_WEIGHTS_THIS_YEAR if year == today.year else ADMITTED_WEIGHTS
        sectors = _proportional(weights, len(group))
        rng.shuffle(sectors)
        for s, sector in zip(group, sectors, strict=True):
            quota_sector[id(s)] = sector
    for s in specs:
        admitted = s.dates.get(17) if s.final >= 17 else None
        for b in home:
            if b and home_queue[b.pk] and s.final in home_queue[b.pk] and s.special in ("", "refuse7", "no_assessment"):
                home_queue[b.pk].remove(s.final)
                s.branch = b
                break
        if s.branch is None and 7 <= s.final <= 16 and two_new and rng.random() < 0.25:
            s.branch = rng.choice(two_new)
        if s.branch is None:
            weights = {quota_sector[id(s)]: 1} if id(s) in quota_sector else SECTOR_WEIGHTS
            s.branch = pick(weights, admitted)
    # One approval 2–3 years ago in each watch branch.
    for b in watch:
        s = Spec(
            final=25,
            dates=_shift(
                _timeline(rng, dt.date(2000, 1, 1)),
                17,
                today - dt.timedelta(days=rng.randint(2 * 365 + 20, 3 * 365 - 20)),
            ),
            gender="男",
            birth=dt.date(1990, 1, 1),
            name=fake.name_male(),
            branch=b,
        )
        s.birth = s.dates[1] - dt.timedelta(days=rng.randint(20, 40) * 365)
        specs.append(s)
    used: set[str] = set()
    for s in specs:
        s.id_number = make_id_number(s.birth, s.gender, rng)
        while s.id_number in used:
            s.id_number = make_id_number(s.birth, s.gender, rng)
        used.add(s.id_number)
        s.extra = _attributes(rng, s.branch.sector, s.branch)
        s.extra["_rng"] = rng.random()
    existing = set(Applicant.objects.filter(id_number__in=used).values_list("id_number", flat=True))
    todo = [s for s in specs if s.id_number not in existing]
    if not todo or (not existing and Applicant.objects.filter(branch__in=branches).exists()):
        # Seeded before (on another day the generated people differ): never add a second crowd.
        log("发展对象：演示县已有数据，未新增")
        return
    members = _eligible_members(branches)
    actors = _Actors(county.users)
    ruleset = RuleSet.load()
    historic = [s for s in todo if s.final == S.LAST_STEP]
    log(f"发展对象：共 {len(todo):,} 人，先从历史台账导入已转正的 {len(historic):,} 人…")
    _import_historic(historic, today=today, actors=actors, ruleset=ruleset, actor=county.users.get("zuzhibu"))
    created, refused = len(historic), 0
    for s in todo:
        if s.final == S.LAST_STEP:
            continue
        refused += _run(
            s,
            today=today,
            rng=random.Random(s.id_number),
            actors=actors,
            members=members,
            ruleset=ruleset,
            by_code=by_code,
        )
        created += 1
        if created % 100 == 0:
            log(f"发展对象：已生成 {created:,}/{len(todo):,} 人…")
    unknown = _stale_history(branches, red=red, watch=watch_ids, today=today)
    log(
        f"发展对象：新增 {created} 人（覆盖 25 个步骤，特意安排 {len(red)} 个党支部 3 年未发展、{len(watch)} 个 2 年未发展，"
        f"{len(unknown)} 个党支部未填上线前最近发展党员日期），演示 R6 拒绝 {refused} 次"
    )


UNKNOWN_HISTORY = 2  # branches left without their go-live date, to show 发展历史不详


def _stale_history(branches: list[Organization], *, red: set[int], watch: set[int], today: dt.date) -> list[str]:
    """What the stale scan reads besides the approvals, made to agree with the story above.

    * The register: in a branch meant to be red (watch), no member's 入党日期 lies in the last 3 (2)
      years — such members were admitted earlier (shifted back 4 years; a 预备党员 admitted that long
      ago is a 正式党员 now). Otherwise the register would show a recent recruit the list denies.
    * The go-live history (组织导入的最近发展党员日期): every branch founded before the 3-year window
      gets its last recruit before the system, 3–15 years ago, except ``UNKNOWN_HISTORY`` branches
      without any recruit known, which the list shows as 发展历史不详.

    A separate random generator (per branch code), so the rest of the demo stays as it was. Returns
    the codes left without a go-live date."""
    window = add_years(today, -3)
    for pk, years in [(pk, 3) for pk in red] + [(pk, 2) for pk in watch]:
        for m in PartyMember.objects.filter(branch_id=pk, joined_on__gt=add_years(today, -years), applicant=None):
            m.joined_on = add_years(m.joined_on, -4)
            m.status = MemberStatus.FULL
            m.full_member_since = add_years(m.joined_on, 1)
            m.save(update_fields=["joined_on", "status", "full_member_since"])
    known = set(Applicant.objects.filter(admitted_on__lte=today).values_list("admitted_branch_id", flat=True))
    known |= set(PartyMember.objects.filter(joined_on__gte=window).values_list("branch_id", flat=True))
    old = [b for b in sorted(branches, key=lambda b: b.code) if b.founded_on is None or b.founded_on < window]
    unknown = [b for b in old if b.pk not in known | red | watch][:UNKNOWN_HISTORY]
    for b in old:
        if b in unknown or b.last_recruit_on is not None:
            continue
        rng = random.Random(f"{SEED}:history:{b.code}")
        latest = window - dt.timedelta(days=60)
        earliest = max(b.founded_on or dt.date(1990, 1, 1), add_years(today, -15))
        if earliest >= latest:
            continue
        b.last_recruit_on = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        b.save(update_fields=["last_recruit_on"])
    return [b.code for b in unknown]


def _import_historic(specs: list[Spec], *, today, actors: _Actors, ruleset, actor) -> None:
    """Members converted before the system started come from the paper ledger: imported through the
    ledger import (judged by the same rules, written in bulk, attributed to the department user), then
    their archive hand-over (step 25) is recorded through the service like any other step."""
    from applicants.ledger import LEDGER_HEADER, STEP_COLUMNS, ledger_import
    from recruitment.tabular import Table

    if not specs:
        return
    rows = []
    for i, s in enumerate(specs, start=2):
        rng = random.Random(s.id_number)
        cells = {h: "" for h in LEDGER_HEADER}
        cells.update(
            {
                "姓名": s.name,
                "性别": s.gender,
                "民族": s.extra["ethnicity"],
                "出生日期": s.birth.isoformat(),
                "公民身份号码": s.id_number,
                "学历": s.extra["education"],
                "职业": s.extra["occupation"],
                "是否生产工作一线": "是" if s.extra["frontline"] else "否",
                "户籍所在地": s.extra["household_registration"],
                "党组织编码": s.branch.code,
                "集中培训学时": str(rng.choice([24, 32])),
                "应到会有表决权人数": "",
                "实到会有表决权人数": "",
                "赞成票数": "",
            }
        )
        votes = _step_data(15, s, rng, [], None)
        cells.update(
            {
                "应到会有表决权人数": str(votes["expected_voters"]),
                "实到会有表决权人数": str(votes["attending_voters"]),
                "赞成票数": str(votes["yes_votes"]),
            }
        )
        for n, column in STEP_COLUMNS.items():
            cells[column] = s.dates[n].isoformat()
        rows.append((i, cells))
    result = ledger_import(table=Table(header=LEDGER_HEADER, rows=rows), actor=actor, today=today, source="历史台账")
    bad = [r for r in result.rows if not r.ok]
    if bad:
        raise RuntimeError(f"演示历史台账有 {len(bad)} 行未通过：{bad[0].errors}")
    people = {
        a.id_number: a
        for a in Applicant.objects.filter(id_number__in=[s.id_number for s in specs]).select_related("branch")
    }
    required = (ruleset.params("R23", today) or {}).get("required", [])
    for s in specs:
        a = people[s.id_number]
        for kind in required:  # R23: the paper archive went to the department before the system existed
            if not ArchiveExemption.objects.filter(applicant=a, kind=kind).exists():
                archive_exempt(applicant=a, kind=kind, reason="历史纸质档案，已移交县委组织部保存", actor=actor)
        applicant_record_step(
            applicant=a,
            step=25,
            date=min(s.dates[25], today),
            actor=actors.for_step(a.branch, 25),
            today=today,
            ruleset=ruleset,
        )


def _eligible_members(branches: list[Organization]) -> dict:
    out: dict = {}
    for m in PartyMember.objects.filter(
        branch__in=branches, status=MemberStatus.FULL, is_active=True, under_probation_watch=False
    ).order_by("pk"):
        out.setdefault(m.branch_id, []).append(m)
    parent_of = {b.pk: b.parent_id for b in branches}
    for branch_id, ms in list(out.items()):
        out.setdefault(("parent", parent_of[branch_id]), []).extend(ms[:3])
    return out


def _step_data(step: int, s: Spec, rng: random.Random, people: list[PartyMember], actor) -> dict:
    """Sample values of the step's declared fields (``Field.example``); members from the branch's
    register; whoever acted is the responsible person (谈话人)."""
    declared = get_step(step)
    data = {}
    for f in declared.fields:
        if f.kind == Kind.MEMBERS:
            chosen = people[: rng.choice([1, 2])] if f.role == PersonRole.CONTACT else people[-2:]
            data[f.name] = [m.pk for m in chosen]
        elif f.example is not None:
            data[f.name] = f.example
    if declared.responsible:
        data[declared.responsible] = str(actor) if actor else "支部书记"
    if "recommendation" in data and s.extra.get("is_league_member"):
        data["recommendation"] = "群团组织推优"
    return data


def _run(s: Spec, *, today, rng, actors: _Actors, members, ruleset, by_code) -> int:
    """Create one person and record their steps; returns the number of demonstrated refusals."""
    fields = {k: v for k, v in s.extra.items() if not k.startswith("_")}
    first_actor = actors.for_step(s.branch, 1)
    a = applicant_create(
        actor=first_actor,
        branch=s.branch,
        applied_on=s.dates[1],
        today=today,
        name=s.name,
        gender=s.gender,
        birth_date=s.birth,
        id_number=s.id_number,
        **fields,
    )
    people = members.get(s.branch.pk) or []
    if len(people) < 2:  # too few in the branch: members of sibling branches under the same committee
        people = people + members.get(("parent", s.branch.parent_id), [])
    assessed_until = {"activist": None, "probation": None}
    refused = 0
    final = s.final
    for n in range(2, final + 1):
        date = s.dates[n]
        if date > today:
            break
        if s.special == "transfer" and n == S.ACTIVIST_EDUCATION:
            target = next(
                (b for code, b in by_code.items() if b.parent_id == s.branch.parent_id and b.pk != s.branch.pk), None
            )
            if target:
                applicant_transfer(
                    applicant=a,
                    date=s.dates[5] + dt.timedelta(days=20),
                    actor=None,
                    to_branch=target,
                    reason="工作调动，随迁转接",
                )
                s.branch = target
        if n == S.CANDIDATE or (n == S.ACTIVIST_EDUCATION and s.special != "no_assessment"):
            _assess(
                a,
                since=s.dates[3],
                until=min(date, today),
                rng=rng,
                actor=actors.for_step(s.branch, S.ACTIVIST_EDUCATION),
                today=today,
                done=assessed_until,
                key="activist",
            )
        if n == S.CONVERSION_REQUEST:
            _assess(
                a,
                since=s.dates[15],
                until=min(date, today),
                rng=rng,
                actor=actors.for_step(s.branch, S.PROBATION_EDUCATION),
                today=today,
                done=assessed_until,
                key="probation",
            )
        if n <= a.current_step:  # completed by an earlier step (2026: the consent completes step 8)
            continue
        if n == S.CANDIDATE and ruleset.in_force("R26", date, s.branch.path):
            _consent_and_publicity(a, s, date, actors=actors, today=today)
        actor = actors.for_step(s.branch, n)
        data = _step_data(n, s, rng, people, actor)
        if n == S.APPROVAL and date > add_months(s.dates[S.BRANCH_MEETING], 3):
            data["special_reason"] = "待党委会集中研究"
        if n == S.BRANCH_MEETING:
            _pre_assess(a, s, actors=actors, today=today)
        applicant_record_step(applicant=a, step=n, date=date, actor=actor, data=data, today=today, ruleset=ruleset)
    if S.within(S.AS_ACTIVIST, a.current_step) and s.special != "no_assessment":
        _assess(
            a,
            since=s.dates[3],
            until=today,
            rng=rng,
            actor=actors.for_step(s.branch, S.ACTIVIST_EDUCATION),
            today=today,
            done=assessed_until,
            key="activist",
        )
    if S.BRANCH_MEETING <= a.current_step < S.CONVERSION_REQUEST:
        _assess(
            a,
            since=s.dates[15],
            until=today,
            rng=rng,
            actor=actors.for_step(s.branch, S.PROBATION_EDUCATION),
            today=today,
            done=assessed_until,
            key="probation",
        )
    last = a.last_step_on or s.dates[1]
    if s.special == "not_developed":
        applicant_terminate(
            applicant=a,
            outcome=ApplicantStatus.NOT_DEVELOPED,
            date=min(today, last + dt.timedelta(days=20)),
            reason=rng.choice(
                ["本人主动撤回入党申请", "培养考察期间表现较差，经支部委员会研究不予发展", "政治审查发现问题，不予发展"]
            ),
            actor=actors.for_step(s.branch, S.BRANCH_COMMITTEE_REVIEW),
        )
    elif s.special in ("cancel", "extend") and a.current_step == 22:
        end = a.probation_end
        meeting = max(end, last) if s.special == "extend" else last + dt.timedelta(days=5)
        if meeting <= today:
            votes = _step_data(23, s, rng, people, None)
            votes.update(
                {"decision": "延长预备期", "extension_months": 6, "reason": "预备期间参加组织生活不够经常，需继续考察"}
                if s.special == "extend"
                else {"decision": "取消预备党员资格", "reason": "预备期间违反党的纪律，经教育仍无明显改正"}
            )
            applicant_record_step(
                applicant=a,
                step=23,
                date=meeting,
                actor=actors.for_step(s.branch, S.CONVERSION_MEETING),
                data=votes,
                today=today,
                ruleset=ruleset,
            )
    elif s.special == "refuse7" and a.current_step == 6:
        try:  # an early attempt at step 7: refused by R6 and logged
            applicant_record_step(
                applicant=a,
                step=S.CANDIDATE,
                date=today,
                actor=actors.for_step(s.branch, S.CANDIDATE),
                today=today,
                ruleset=ruleset,
            )
        except DomainError:
            refused += 1
    return refused


def _consent_and_publicity(a: Applicant, s: Spec, listing: dt.date, *, actors: _Actors, today: dt.date) -> None:
    """细则（2026）第十三条 (R25, R26): the committee agrees ten days before the listing, then the branch
    posts the 公示 for the nine days up to the day before (at least five working days in any week)."""
    committee = actors.for_step(s.branch, S.CANDIDATE_FILING) or actors.stand_ins[1]
    consent_record(applicant=a, date=listing - dt.timedelta(days=10), verdict="同意", actor=committee, today=today)
    publicity_record(
        applicant=a, stage="candidate", start=listing - dt.timedelta(days=9), end=listing - dt.timedelta(days=1),
        places=[f"{s.branch.name}党务公开栏"], outcome="无异议", actor=actors.for_step(s.branch, S.CANDIDATE),
        today=today,
    )  # fmt: skip


def _pre_assess(a: Applicant, s: Spec, *, actors: _Actors, today: dt.date) -> None:
    """R16: before the branch meeting, the three-tier pre-assessment of the meeting's year passes
    (through the reviews services; a tier without a demo account is decided by a department stand-in,
    three different people in all)."""
    from demo.reviews import pass_pre_assessment

    meeting = s.dates[15]
    on = max(s.dates[14], dt.date(meeting.year, 1, 1), meeting - dt.timedelta(days=7))
    pass_pre_assessment(
        applicant=a,
        year=meeting.year,
        on=min(on, meeting),
        branch_user=actors.for_step(s.branch, S.BRANCH_COMMITTEE_REVIEW) or actors.stand_ins[0],
        committee_user=actors.for_step(s.branch, S.PRE_REVIEW) or actors.stand_ins[1],
        department_user=actors.department,
        today=today,
    )


def _assess(a: Applicant, *, since: dt.date, until: dt.date, rng, actor, today, done: dict, key: str) -> None:
    k = 1
    while True:
        end = add_months(since, 6 * k)
        if end > until:
            return
        if done[key] is None or end > done[key]:
            day = end - dt.timedelta(days=rng.randint(0, 20))
            applicant_add_assessment(
                applicant=a,
                date=min(day, today),
                result=rng.choice(["好", "好", "较好"]),
                notes="按期考察，表现良好",
                actor=actor,
                today=today,
            )
            done[key] = end
        k += 1
