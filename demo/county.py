"""The demo county: one 组织部, 13 committees, ~200 branches across every sector, members, and
one user per role. Deterministic (fixed seeds) and idempotent (everything keyed by code/username).

The other areas add their part in ``demo/<area>.py`` with ``seed(*, county, today, log)``;
``seed_demo`` calls them in order after this module.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from faker import Faker

from recruitment.idcard import make_id_number
from recruitment.models import MemberStatus, Organization, OrgLevel, PartyMember, Role, Sector, User

DEMO_PASSWORD = "Demo@2026dj"  # passes the password validators (10 characters or more)
ROOT_CODE = "HC"

# (code suffix, name, level, [(branch kind, count)])
COMMITTEES = [
    ("01", "城关镇党委", OrgLevel.COMMITTEE, [("village", 14), ("office", 2)]),
    ("02", "龙门镇党委", OrgLevel.COMMITTEE, [("village", 13), ("office", 1), ("private", 2)]),
    ("03", "芝川镇党委", OrgLevel.COMMITTEE, [("village", 12), ("office", 1)]),
    ("04", "西庄镇党委", OrgLevel.COMMITTEE, [("village", 12), ("office", 1)]),
    ("05", "金城街道党工委", OrgLevel.WORKING_COMMITTEE, [("community", 10), ("private", 3), ("social", 2)]),
    ("06", "新城街道党工委", OrgLevel.WORKING_COMMITTEE, [("community", 9), ("private", 3), ("social", 2)]),
    ("07", "板桥镇党委", OrgLevel.COMMITTEE, [("village", 11), ("office", 1)]),
    ("08", "桑树坪镇党委", OrgLevel.COMMITTEE, [("village", 10), ("office", 1)]),
    ("09", "县直机关工委", OrgLevel.WORKING_COMMITTEE, [("office", 24)]),
    ("10", "县两新组织党工委", OrgLevel.WORKING_COMMITTEE, [("private", 20), ("social", 9)]),
    ("11", "县国资委党委", OrgLevel.COMMITTEE, [("state", 8)]),
    ("12", "县教育局党委", OrgLevel.COMMITTEE, [("school", 12)]),
    ("13", "县卫健局党委", OrgLevel.COMMITTEE, [("hospital", 6)]),
]

VILLAGE_NAMES = "东王 西王 南庄 北庄 张家 李家 刘家 马家 杨村 柳村 桥头 河西 河东 新庄 高村 前进 红旗 和平 庙后 堡子 上峪 下峪 沟口 塬上".split()
COMMUNITY_NAMES = "金塔 太史 龙泉 新兴 育才 文化 状元 象山 东风 建设 幸福 滨河".split()
COMPANY_NAMES = "黄河 秦晋 龙腾 华信 恒达 金穗 永兴 鑫源 宏远 安泰 博远 瑞丰 盛唐 光明 长城 天成 嘉禾 众诚 富民 汇通 同心 惠民 德润".split()
OFFICE_NAMES = "县委办 政府办 组织部 宣传部 统战部 政法委 发改局 财政局 人社局 自然资源局 住建局 交通局 水务局 农业农村局 商务局 文旅局 卫健局 应急局 审计局 市场监管局 统计局 医保局 信访局 民政局 司法局 镇政府".split()

KIND_SECTOR = {
    "village": Sector.RURAL,
    "community": Sector.RURAL,
    "private": Sector.PRIVATE,
    "social": Sector.SOCIAL,
    "office": Sector.PUBLIC_INSTITUTION,
    "state": Sector.STATE_ENTERPRISE,
    "school": Sector.PUBLIC_INSTITUTION,
    "hospital": Sector.PUBLIC_INSTITUTION,
}

DEMO_USERS = [
    # username, display name, role, org code (None = root)
    ("zuzhibu", "王组织（组织部）", Role.DEPARTMENT_STAFF, ROOT_CODE),
    ("dangwei", "李组织员（城关镇党委）", Role.COMMITTEE_STAFF, f"{ROOT_CODE}01"),
    ("zhibu", "张书记（东王村党支部）", Role.BRANCH_SECRETARY, f"{ROOT_CODE}0101"),
    ("zhibu2", "赵书记（龙门镇东王村党支部）", Role.BRANCH_SECRETARY, f"{ROOT_CODE}0201"),
    ("dangwei2", "周组织员（两新党工委）", Role.COMMITTEE_STAFF, f"{ROOT_CODE}10"),
    ("ducha", "陈督查（督查组）", Role.INSPECTOR, ROOT_CODE),
    # Stand-ins where a branch or committee has no demo account: the three review tiers of one entry
    # are decided by three different people (rule SOD).
    ("zuzhibu2", "刘干事（组织部·代支部初审）", Role.DEPARTMENT_STAFF, ROOT_CODE),
    ("zuzhibu3", "孙干事（组织部·代党委复审）", Role.DEPARTMENT_STAFF, ROOT_CODE),
]
BRANCH_STAND_IN, COMMITTEE_STAND_IN = "zuzhibu2", "zuzhibu3"


@dataclass
class County:
    root: Organization
    committees: list[Organization] = field(default_factory=list)
    branches: list[Organization] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def _branch_name(kind: str, index: int, committee_name: str, rng: random.Random) -> str:
    if kind == "village":
        return f"{VILLAGE_NAMES[index % len(VILLAGE_NAMES)]}村党支部"
    if kind == "community":
        return f"{COMMUNITY_NAMES[index % len(COMMUNITY_NAMES)]}社区党支部"
    if kind == "private":
        return f"{COMPANY_NAMES[(index * 7 + len(committee_name)) % len(COMPANY_NAMES)]}{rng.choice(['科技', '建材', '农业', '食品', '物流', '商贸'])}有限公司党支部"
    if kind == "social":
        return (
            f"{rng.choice(['县', ''])}{rng.choice(['个体私营', '律师', '物业', '社会工作', '养老服务', '注册会计师', '餐饮'])}{rng.choice(['协会', '行业协会', '服务中心', '联合会'])}党支部"
            if index
            else "快递物流协会党支部"
        )
    if kind == "office":
        return (
            f"{OFFICE_NAMES[index % len(OFFICE_NAMES)]}机关党支部"
            if "机关" in committee_name
            else f"{committee_name[:-2]}机关党支部{'' if index == 0 else index + 1}"
        )
    if kind == "state":
        return f"{['县城投公司', '县水务集团', '县供电公司', '县交投集团', '县粮食储备公司', '县农商银行', '县公交公司', '县燃气公司'][index % 8]}党支部"
    if kind == "school":
        return f"{['县第一中学', '县第二中学', '县实验小学', '城关中学', '龙门中学', '芝川中学', '县职教中心', '金城小学', '新城小学', '西庄中学', '板桥中学', '县幼儿园'][index % 12]}党支部"
    return (
        f"{['县人民医院', '县中医医院', '县妇幼保健院', '县疾控中心', '城关镇卫生院', '龙门镇卫生院'][index % 6]}党支部"
    )


def _upsert_org(code: str, **values) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        org = Organization(code=code, **values)
        org.save()
        return org
    changed = [k for k, v in values.items() if getattr(org, k) != v]
    if changed:
        for k in changed:
            setattr(org, k, values[k])
        org.save()
    return org


def seed_county(*, today: dt.date, log=print) -> County:
    rng = random.Random(20261)
    fake = Faker("zh_CN")
    fake.seed_instance(20261)
    root = _upsert_org(
        ROOT_CODE,
        name="韩城县委组织部",
        level=OrgLevel.DEPARTMENT,
        parent=None,
        sector="",
        founded_on=dt.date(1949, 10, 1),
    )
    county = County(root=root)
    for suffix, cname, level, kinds in COMMITTEES:
        committee = _upsert_org(
            f"{ROOT_CODE}{suffix}",
            name=cname,
            level=level,
            parent=root,
            sector="",
            founded_on=dt.date(1950 + int(suffix), 7, 1),
        )
        county.committees.append(committee)
        parent = committee
        if suffix == "11":  # 国资委: branches under a 党总支, to show the optional level
            parent = _upsert_org(
                f"{ROOT_CODE}1199",
                name="县属国有企业联合党总支",
                level=OrgLevel.GENERAL_BRANCH,
                parent=committee,
                sector=Sector.STATE_ENTERPRISE,
                founded_on=dt.date(2005, 7, 1),
            )
        index = 0
        for kind, count in kinds:
            for i in range(count):
                index += 1
                code = f"{committee.code}{index:02d}"
                # Two demo branches are deliberately young (for the stale-organization scan).
                founded = dt.date(rng.randint(1958, 2015), rng.randint(1, 12), 1)
                if index == count and kind in {"private", "social"}:
                    founded = today.replace(year=today.year - 2) - dt.timedelta(days=30)
                branch = _upsert_org(
                    code,
                    name=_branch_name(kind, i, cname, rng),
                    level=OrgLevel.BRANCH,
                    parent=parent,
                    sector=KIND_SECTOR[kind],
                    founded_on=founded,
                )
                county.branches.append(branch)
    _seed_members(county, rng, fake, today)
    _seed_users(county)
    orgs = Organization.objects.filter(path__startswith=root.path).count()
    members = PartyMember.objects.filter(branch__path__startswith=root.path).count()
    log(
        f"组织与党员：{orgs:,} 个组织（含 {len(county.committees)} 个党(工)委、{len(county.branches)} 个党支部），"
        f"{members:,} 名党员"
    )
    return county


def _seed_members(county: County, rng: random.Random, fake: Faker, today: dt.date) -> None:
    have_members = set(PartyMember.objects.values_list("branch_id", flat=True).distinct())
    new = []
    for branch in county.branches:
        if branch.pk in have_members:
            continue
        for i in range(rng.randint(8, 16)):
            gender = "女" if rng.random() < 0.3 else "男"
            birth = dt.date(rng.randint(1950, 1998), rng.randint(1, 12), rng.randint(1, 28))
            joined = dt.date(
                min(today.year - 1, birth.year + rng.randint(20, 40)), rng.randint(1, 12), rng.randint(1, 28)
            )
            probationary = i == 0 and rng.random() < 0.5
            new.append(
                PartyMember(
                    name=fake.name_male() if gender == "男" else fake.name_female(),
                    gender=gender,
                    id_number=make_id_number(birth, gender, rng),
                    branch=branch,
                    status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
                    under_probation_watch=(i == 1 and rng.random() < 0.08),
                    joined_on=joined if not probationary else today - dt.timedelta(days=rng.randint(30, 300)),
                    full_member_since=None
                    if probationary
                    else joined.replace(year=joined.year + 1)
                    if joined.month != 2 or joined.day != 29
                    else joined,
                )
            )
    PartyMember.objects.bulk_create(new, batch_size=500)


def _seed_users(county: County) -> None:
    for username, display, role, code in DEMO_USERS:
        org = Organization.objects.get(code=code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display, "role": role, "organization": org}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.display_name, user.role, user.organization = display, role, org
        user.save()
        county.users[username] = user
    admin, created = User.objects.get_or_create(username="admin", defaults={"display_name": "系统管理员"})
    if created or not admin.check_password(DEMO_PASSWORD):
        admin.set_password(DEMO_PASSWORD)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    county.users["admin"] = admin
