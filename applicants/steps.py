"""The 5 stages and 25 steps of the 2014 细则 flow chart, declared once as data."""

from __future__ import annotations

from dataclasses import dataclass

from recruitment.scope import Level as Actor


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    status_label: str  # what a person in this stage is called


@dataclass(frozen=True)
class Step:
    number: int
    stage: int
    name: str
    actor: Actor
    materials: tuple[str, ...] = ()
    # Typed data the step form collects; the service validates the same keys.
    fields: tuple[str, ...] = ()

    @property
    def stage_obj(self) -> Stage:
        return STAGES[self.stage - 1]

    def __str__(self) -> str:
        return f"第{self.number}步 {self.name}"


STAGES = (
    Stage(1, "申请入党", "入党申请人"),
    Stage(2, "入党积极分子的确定和培养教育", "入党积极分子"),
    Stage(3, "发展对象的确定和考察", "发展对象"),
    Stage(4, "预备党员的接收", "发展对象"),
    Stage(5, "预备党员的教育考察和转正", "预备党员"),
)

B, C, D = Actor.BRANCH, Actor.COMMITTEE, Actor.DEPARTMENT

STEPS: tuple[Step, ...] = (
    Step(1, 1, "递交入党申请书", B, ("入党申请书",)),
    Step(2, 1, "党组织派人谈话", B, ("谈话记录",), ("talker",)),
    Step(3, 2, "推荐和确定入党积极分子", B, ("推荐表", "支部委员会会议记录"), ("recommendation",)),
    Step(4, 2, "上级党委备案", C, ("备案报告",)),
    Step(5, 2, "指定培养联系人", B, ("培养联系人指定记录",), ("contacts",)),
    Step(6, 2, "培养教育考察", B, ("培养考察登记表", "思想汇报")),
    Step(7, 3, "确定发展对象", B, ("支部委员会会议记录", "听取意见记录", "公示材料")),
    Step(8, 3, "报上级党委备案", C, ("备案报告",)),
    Step(9, 3, "确定入党介绍人", B, ("入党介绍人确定记录",), ("introducers",)),
    Step(10, 3, "进行政治审查", B, ("政治审查材料", "政审结论"), ("conclusion", "verdict")),
    Step(11, 3, "开展集中培训", B, ("培训结业证明",), ("days", "hours", "exception_reason")),
    Step(12, 4, "支部委员会审查", B, ("支部委员会审查意见",)),
    Step(13, 4, "上级党委预审", C, ("预审意见", "入党志愿书发放记录"), ("verdict",)),
    Step(14, 4, "填写入党志愿书", B, ("入党志愿书",)),
    Step(
        15,
        4,
        "支部大会讨论",
        B,
        ("支部大会记录", "支部大会决议"),
        ("expected_voters", "attending_voters", "yes_votes", "no_votes", "abstentions", "leaving_unit_soon"),
    ),
    Step(16, 4, "上级党委派人谈话", C, ("谈话记录",), ("talker",)),
    Step(17, 4, "上级党委审批", C, ("审批意见",), ("verdict", "special_reason")),
    Step(18, 4, "再上一级党委组织部门备案", D, ("备案材料",)),
    Step(19, 5, "编入党支部和党小组", B, (), ("group",)),
    Step(20, 5, "入党宣誓", B, ("宣誓记录",)),
    Step(21, 5, "继续教育考察", B, ("预备党员考察登记表", "思想汇报")),
    Step(22, 5, "提出转正申请", B, ("转正申请书",)),
    Step(
        23,
        5,
        "支部大会讨论",
        B,
        ("支部大会记录", "转正决议"),
        ("expected_voters", "attending_voters", "yes_votes", "no_votes", "abstentions", "decision", "extension_months"),
    ),
    Step(24, 5, "上级党委审批", C, ("转正审批意见",), ("verdict", "special_reason")),
    Step(25, 5, "材料归档", B, ("档案移交记录",)),
)

STEP_BY_NUMBER = {s.number: s for s in STEPS}
LAST_STEP = 25


def get_step(number: int) -> Step:
    try:
        return STEP_BY_NUMBER[int(number)]
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"无效的步骤：{number}") from exc


def stage_of(step_number: int) -> Stage:
    """The stage a person is in after completing ``step_number`` (0 = nothing yet)."""
    if step_number <= 0:
        return STAGES[0]
    return STAGES[get_step(step_number).stage - 1]


def status_label(current_step: int) -> str:
    """入党申请人 / 入党积极分子 / 发展对象 / 预备党员 / 正式党员 by the last completed step."""
    if current_step >= 24:
        return "正式党员"
    if current_step >= 17:
        return "预备党员"
    if current_step >= 7:
        return "发展对象"
    if current_step >= 3:
        return "入党积极分子"
    return "入党申请人"
