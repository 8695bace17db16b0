"""`manage.py stale_orgs`: the JSON contract and the readable Chinese table."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jobs.models import StaleScan

from .conftest import admitted, person

D = dt.date


def run(*args):
    out = StringIO()
    call_command("stale_orgs", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def county(world, make_branch):
    admitted(world.a1, D(2023, 11, 22))  # exactly 3 years before → red
    b = make_branch("Z9", founded=D(2024, 11, 22))  # young, nobody admitted → watch 2y
    person(b, step=4)
    ok = make_branch("K1")
    admitted(ok, D(2026, 5, 1))
    person(ok, step=7)
    low = make_branch("K2")
    admitted(low, D(2026, 5, 1))  # recent but no reserve → watch reserve
    return world


def test_json_output_is_exactly_the_contract_sorted_by_code(county):
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json"))
    assert data == {
        "as_of": "2026-11-22",
        "red": [
            {"org": "A1", "last_admitted": "2023-11-22"},
            {"org": "A2", "last_admitted": None},
            {"org": "B1", "last_admitted": None},
        ],
        "watch": [
            {"org": "K2", "last_admitted": "2026-05-01", "reason": "reserve"},
            {"org": "Z9", "last_admitted": None, "reason": "2y"},
        ],
    }


def test_json_output_writes_no_scan(county):
    run("--as-of", "2026-11-22", "--format", "json")
    assert not StaleScan.objects.exists()


def test_save_option_stores_the_scan(county):
    run("--as-of", "2026-11-22", "--format", "json", "--save")
    assert StaleScan.objects.get().red_count == 3


def test_reserve_option_overrides_the_threshold(county):
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json", "--reserve-min", "2"))
    assert {"org": "K1", "last_admitted": "2026-05-01", "reason": "reserve"} in data["watch"]


def test_table_is_readable_chinese_with_both_lists(county):
    text = run("--as-of", "2026-11-22")
    assert "红色名单（须年内清零）：3 个" in text
    assert "关注名单（定期跟踪指导）：2 个" in text
    assert "甲镇党委" in text and "3年未发展" in text and "后备力量不足" in text
    assert "2023-11-22之后（不含当日）" in text


def test_as_of_defaults_to_today(county):
    from django.utils import timezone

    assert json.loads(run("--format", "json"))["as_of"] == timezone.localdate().isoformat()


def test_bad_date_is_a_clear_error(county):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "2026-13-01")
