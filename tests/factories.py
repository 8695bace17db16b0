"""Factories shared by every test package."""

import datetime as dt
import random

import factory
from factory.django import DjangoModelFactory

from recruitment.idcard import make_id_number
from recruitment.models import MemberStatus, Organization, OrgLevel, PartyMember, Role, Sector, User

_rng = random.Random(7)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试党支部{n}")
    level = OrgLevel.BRANCH
    sector = Sector.RURAL
    founded_on = dt.date(2000, 1, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    role = Role.BRANCH_SECRETARY
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartyMemberFactory(DjangoModelFactory):
    class Meta:
        model = PartyMember

    name = factory.Faker("name", locale="zh_CN")
    gender = "男"
    id_number = factory.LazyFunction(lambda: make_id_number(dt.date(1980, 5, 5), "男", _rng))
    status = MemberStatus.FULL
    joined_on = dt.date(2005, 7, 1)
    full_member_since = dt.date(2006, 7, 1)
