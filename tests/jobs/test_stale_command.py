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


CONTRACT = {"red": ("org", "last_admitted"), "watch": ("org", "last_admitted", "reason")}


def contract_only(data):
    """The original contract's fields: added fields never change them."""
    return {"as_of": data["as_of"], **{k: [{f: e[f] for f in CONTRACT[k]} for e in data[k]] for k in CONTRACT}}


def test_json_output_is_exactly_the_contract_sorted_by_code(county):
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json"))
    assert set(data) == {"as_of", "red", "watch"}
    assert contract_only(data) == {
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


def test_json_adds_the_reason_of_red_entries_and_the_source_of_the_last_recruit(county):
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json"))
    assert [(e["org"], e["reason"], e["last_source"]) for e in data["red"]] == [
        ("A1", "3y", "approval"),
        ("A2", "unknown", None),  # founded 2000, nothing known: 发展历史不详, not 成立以来未发展
        ("B1", "unknown", None),
    ]
    assert [(e["org"], e["last_source"]) for e in data["watch"]] == [("K2", "approval"), ("Z9", None)]


def test_json_counts_the_register_and_the_imported_date(county, make_branch):
    from recruitment.models import MemberStatus

    from .conftest import member

    member(county.b1, D(2026, 7, 31), status=MemberStatus.PROBATIONARY)  # 预备党员 admitted 2026-07-31
    make_branch("H1", founded=dt.date(1958, 10, 1), last_recruit_on=D(2023, 11, 22))
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json"))
    assert "B1" not in [e["org"] for e in data["red"]]
    assert {"org": "B1", "last_admitted": "2026-07-31", "reason": "reserve", "last_source": "register"} in data["watch"]
    assert {"org": "H1", "last_admitted": "2023-11-22", "reason": "3y", "last_source": "import"} in data["red"]


def test_json_output_writes_no_scan(county):
    run("--as-of", "2026-11-22", "--format", "json")
    assert not StaleScan.objects.exists()


def test_save_option_stores_the_scan(county):
    run("--as-of", "2026-11-22", "--format", "json", "--save")
    assert StaleScan.objects.get().red_count == 3


def test_reserve_option_overrides_the_threshold(county):
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json", "--reserve-min", "2"))
    assert {"org": "K1", "last_admitted": "2026-05-01", "reason": "reserve"} in contract_only(data)["watch"]


def test_table_is_readable_chinese_with_both_lists(county):
    text = run("--as-of", "2026-11-22")
    assert "红色名单（须年内清零）：3 个" in text
    assert "关注名单（定期跟踪指导）：2 个" in text
    assert "甲镇党委" in text and "3年未发展" in text and "后备力量不足" in text
    assert "2023-11-22之后（不含当日）" in text
    assert "发展历史不详（须补录最近发展党员日期）" in text and "成立以来未发展" not in text
    assert "党员名册中的入党日期" in text


def test_as_of_defaults_to_today(county):
    from django.utils import timezone

    assert json.loads(run("--format", "json"))["as_of"] == timezone.localdate().isoformat()


def test_bad_date_is_a_clear_error(county):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "2026-13-01")


def test_go_live_dates_from_the_organization_import_reach_the_stale_list(world, tmp_path):
    """Branches founded 1958–1975 with no history in the system: before their 最近发展党员日期 is
    imported they are 发展历史不详 (not 成立以来未发展); after, each is judged on its date."""
    head = "编码,名称,上级编码,层级,领域,成立日期"
    orgs = [("H1", "1958-10-01", "2023-11-22"), ("H2", "1966-05-01", "2023-11-23"), ("H3", "1975-01-01", "2025-09-01")]
    plain = "\n".join(f"{c},{c}村党支部,A,党支部,农村（社区）,{f}" for c, f, _ in orgs)
    (tmp_path / "orgs.csv").write_text(f"{head}\n{plain}\n", encoding="utf-8")
    call_command("import_orgs", str(tmp_path / "orgs.csv"), stdout=StringIO())
    data = json.loads(run("--format", "json"))
    assert {e["org"]: e["reason"] for e in data["red"] if e["org"].startswith("H")} == dict.fromkeys(
        ("H1", "H2", "H3"), "unknown"
    )
    dated = "\n".join(f"{c},{c}村党支部,A,党支部,农村（社区）,{f},{last}" for c, f, last in orgs)
    (tmp_path / "orgs.csv").write_text(f"{head},最近发展党员日期\n{dated}\n", encoding="utf-8")
    call_command("import_orgs", str(tmp_path / "orgs.csv"), stdout=StringIO())
    data = json.loads(run("--format", "json"))
    flagged = {e["org"]: (e["reason"], e["last_admitted"], e["last_source"]) for k in ("red", "watch") for e in data[k]}
    assert flagged["H1"] == ("3y", "2023-11-22", "import")  # exactly 3 years: red
    assert flagged["H2"] == ("2y", "2023-11-23", "import")
    assert flagged["H3"] == ("reserve", "2025-09-01", "import")  # recent, but nobody in reserve


def test_members_imported_at_go_live_feed_the_stale_list(county, tmp_path):
    """The issue's case: the 党员名册 shows a 预备党员 of the branch admitted 2026-07-31 — after the
    register is imported the branch is no longer red, and the list names the register as the source."""
    from recruitment.idcard import make_id_number
    from recruitment.members import MEMBER_IMPORT_HEADER

    birth = dt.date(1999, 3, 3)
    line = f"新党员,女,{make_id_number(birth, '女')},{birth},B1,预备党员,2026-07-31,"
    (tmp_path / "m.csv").write_text(",".join(MEMBER_IMPORT_HEADER[:8]) + "\n" + line + "\n", encoding="utf-8")
    assert "B1" in [e["org"] for e in json.loads(run("--as-of", "2026-11-22", "--format", "json"))["red"]]
    call_command("import_members", str(tmp_path / "m.csv"), "--user", "dept", stdout=StringIO())
    data = json.loads(run("--as-of", "2026-11-22", "--format", "json"))
    assert "B1" not in [e["org"] for e in data["red"]]
    assert {"org": "B1", "last_admitted": "2026-07-31", "reason": "reserve", "last_source": "register"} in data["watch"]
