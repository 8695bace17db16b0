"""compliance_report: the JSON contract, the root default, the table format."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quotas.services import allocations_set, plan_set_total
from recruitment.models import Sector
from tests.factories import OrganizationFactory

from .helpers import many_admitted, on_ledger, person

Y = 2025


def report(*args) -> str:
    out = StringIO()
    call_command("compliance_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data(world):
    p = plan_set_total(department=world.root, year=Y, total=20, actor=world.users.department)
    allocations_set(plan=p, source=world.root, amounts={world.a.pk: 12, world.b.pk: 6}, actor=world.users.department)
    many_admitted(world.a1, dt.date(Y, 3, 1), 5)  # rural 5/16 = 0.3125
    many_admitted(world.a2, dt.date(Y, 3, 1), 7)  # private 7/16 > 20%
    many_admitted(world.b1, dt.date(Y, 3, 1), 4)
    on_ledger(person(world.a1), Y)
    return world


def test_json_report_follows_the_contract(data):
    doc = json.loads(report("--year", str(Y), "--format", "json"))
    assert set(doc) == {"year", "org", "admitted", "expected", "sectors", "structure", "plan"}
    assert (doc["year"], doc["org"], doc["admitted"], doc["expected"]) == (Y, "ROOT", 16, 1)
    rural = doc["sectors"][0]
    assert rural == {"sector": "农村（社区）", "admitted": 5, "share": 0.3125, "min": 0.3, "max": None, "ok": True}
    private = doc["sectors"][1]
    assert private == {"sector": "非公企业", "admitted": 11, "share": 0.6875, "min": None, "max": 0.2, "ok": False}
    assert [s["sector"] for s in doc["sectors"]] == ["农村（社区）", "非公企业", "社会组织", "机关事业单位", "国有企业"]
    assert doc["structure"][0] == {
        "rule": "35岁及以下",
        "count": 16,
        "share": 1.0,
        "min": None,
        "max": None,
        "ok": None,
    }
    assert doc["plan"] == {"total": 20, "allocated": 18, "admitted": 16}


def test_json_report_for_a_committee(data):
    doc = json.loads(report("--year", str(Y), "--org", "B", "--format", "json"))
    assert (doc["org"], doc["admitted"], doc["plan"]) == ("B", 4, {"total": 6, "allocated": 0, "admitted": 4})


def test_no_intake_is_not_judged_in_the_report(world):
    doc = json.loads(report("--year", "2030", "--format", "json"))
    assert doc["admitted"] == 0
    assert all(s["share"] is None and s["ok"] is None for s in doc["sectors"])
    assert doc["plan"] == {"total": None, "allocated": None, "admitted": 0}


def test_several_roots_need_an_org_and_unknown_codes_fail(world):
    OrganizationFactory(code="OTHER", parent=None, sector="")
    with pytest.raises(CommandError, match="请用 --org 指定"):
        report("--year", str(Y))
    with pytest.raises(CommandError, match="不存在"):
        report("--year", str(Y), "--org", "NOPE")


def test_table_report_is_readable_chinese(data):
    text = report("--year", str(Y), "--org", "ROOT")
    assert "2025 年度 测试县委组织部（ROOT）" in text
    assert "非公企业" in text and "未达标" in text and "68.75%" in text
    assert "计划 20 名，已下达 18 名，已发展 16 名" in text
    assert "未达标项目：非公企业" in text
    assert Sector.RURAL in text


def test_report_lists_other_sectors_only_with_admitted_people(data):
    uni = OrganizationFactory(code="U1", parent=data.b, sector=Sector.UNIVERSITY)
    on_ledger(person(uni), Y)
    doc = json.loads(report("--year", str(Y), "--format", "json"))
    assert "高校" not in [s["sector"] for s in doc["sectors"]]
