"""The dashboard's gap in people (issue 15): how many more of a kind a failing minimum needs, how many a
failing maximum is over — exact integers at the boundaries."""

from decimal import Decimal

import pytest

from quotas.selectors import ShareRow, judge


def row(count: int, total: int, lo: str | None = None, hi: str | None = None) -> ShareRow:
    lo_d = Decimal(lo) if lo else None
    hi_d = Decimal(hi) if hi else None
    return ShareRow(
        key="k", count=count, share=count / total if total else None, min=None, max=None,
        ok=judge(count, total, lo_d, hi_d), total=total, min_pct=lo_d, max_pct=hi_d,
    )  # fmt: skip


@pytest.mark.parametrize(
    "count,total,short",
    [
        (3, 10, None),  # exactly 30%: passes
        (2, 10, 2),  # 4/12 = 33.3% ≥ 30%, 3/11 = 27.3% < 30%
        (0, 10, 5),  # 5/15 = 33.3%, 4/14 = 28.6%
        (29, 100, 2),  # 31/102 = 30.4%, 30/101 = 29.7%
    ],
)
def test_a_failing_minimum_says_how_many_more_of_its_kind(count, total, short):
    r = row(count, total, lo="30")
    assert r.short_by == short
    if short is not None:
        assert judge(count + short, total + short, Decimal(30), None) is True
        assert judge(count + short - 1, total + short - 1, Decimal(30), None) is False
        assert r.gap_text == f"还需发展本类 {short} 名"
    else:
        assert r.gap_text == ""


@pytest.mark.parametrize(
    "count,total,over,others",
    [
        (2, 10, None, None),  # exactly 20%: passes
        (3, 10, 1, 5),  # 3/15 = 20% passes, 3/14 fails
        (11, 16, 8, 39),
        (1, 3, 1, 2),  # ⌊0.6⌋ = 0 allowed; 1/5 = 20%
    ],
)
def test_a_failing_maximum_says_how_many_over_and_how_many_others_would_dilute_it(count, total, over, others):
    r = row(count, total, hi="20")
    assert r.over_by == over and r.others_needed == others
    if over is not None:
        assert judge(count, total + others, None, Decimal(20)) is True
        assert judge(count, total + others - 1, None, Decimal(20)) is False
        assert judge(count - over, total, None, Decimal(20)) is True
        assert r.gap_text == f"超出上限 {over} 名，或再发展其他类 {others} 名"


def test_a_zero_limit_has_no_dilution_figure():
    r = row(1, 10, hi="0")
    assert r.over_by == 1 and r.others_needed is None and r.gap_text == "超出上限 1 名"
