"""The ledger's hand-offs: a submitted entry waits for the branch's 初审, a pass hands it to the next
tier, a return or a refusal goes back down to every tier below (the branch always hears of it).
Announced through ``applicants.handoffs``; the 消息 inbox and the emails are the jobs app's."""

from __future__ import annotations

from django.urls import reverse

from applicants.handoffs import HandOff, announce
from recruitment.scope import Level

from .models import TIER_LEVEL, LedgerEntry, ReviewDecision, Tier, Verdict


def _below(tier: int) -> tuple[Level, ...]:
    """The levels under ``tier``, nearest first (a department return: the committee, then the branch)."""
    return tuple(TIER_LEVEL[Tier(t)] for t in range(int(tier) - 1, 0, -1))


def entry_handoff(*, entry: LedgerEntry, actor, decision: ReviewDecision | None = None) -> HandOff | None:
    """The hand-off caused by submitting ``entry`` (``decision`` None) or by ``decision``. The key is
    the entry's version after the act: one message per act and recipient. The review's reasons are
    not copied into messages or emails: they are read on the entry page."""
    a = entry.applicant
    who = f"{a.branch.name} {a.name}"
    what = f"{entry.year}年度预判分析"
    if decision is None:
        levels = (Level.BRANCH,)
        title = f"【待支部初审】{a.name}：列入{what}台账"
        body = f"{who}已列入{what}台账，待支部初审。"
    else:
        tier = Tier(decision.tier)
        by = f"{tier.label}（{decision.decided_on:%Y-%m-%d}）"
        if decision.verdict == Verdict.PASS and tier < Tier.DEPARTMENT:
            waiting = Tier(tier + 1)
            levels = (TIER_LEVEL[waiting],)
            title = f"【待{waiting.label}】{a.name}：{what}"
            body = f"{who}：{by}通过，待{waiting.label}。"
        elif decision.verdict == Verdict.PASS:
            levels = (Level.BRANCH,)
            title = f"【三级审查通过】{a.name}：{what}"
            body = f"{who}：{by}通过，三级预判分析全部通过，可提交支部大会讨论接收。"
        elif decision.verdict == Verdict.RETURN:
            levels = _below(tier)
            waiting = Tier(max(Tier.BRANCH, tier - 1))
            title = f"【{tier.label}退回】{a.name}：{what}"
            body = f"{who}：{by}退回补充材料，现待{waiting.label}。请登录系统查看审查意见。"
        else:
            levels = _below(tier)
            title = f"【{tier.label}不通过】{a.name}：{what}"
            body = f"{who}：{by}不通过，不予发展。请登录系统查看审查意见。"
    link = reverse("reviews:entry_detail", args=[entry.pk])
    return HandOff(f"entry:{entry.pk}:v{entry.version}", a.branch, levels, title, body, link, actor)


def announce_entry(*, entry: LedgerEntry, actor, decision: ReviewDecision | None = None) -> None:
    h = entry_handoff(entry=entry, actor=actor, decision=decision)
    if h is not None:
        announce(h)
