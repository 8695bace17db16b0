"""The 5 stages and 25 steps, declared once as data.

Each :class:`Step` says who records it (``actor``), what it records (``fields``: type, choices, which
are required), which date of the person it sets (``sets``), its materials, what it does to the person
(``effects``, carried out by :mod:`applicants.effects`), how a verdict changes the path (``outcomes``),
and where it appears in the 台账 (``ledger_column``). The step form, the service's cleaning, the
timeline's "what next", the staff queues, the ledger import and the demo seeding all read this one
table; nothing else branches on a step's number to know what the step is. The rules that refer to a
step (R6 at step 7 …) name it through the constants below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from recruitment.scope import Level as Actor

# Steps that rules, reminders and reports refer to by meaning (the table below says what each step is).
APPLICATION = 1  # 递交入党申请书
TALK = 2  # 党组织派人谈话
ACTIVIST = 3  # 确定入党积极分子
CONTACTS = 5  # 指定培养联系人
ACTIVIST_EDUCATION = 6  # 培养教育考察
CANDIDATE = 7  # 确定发展对象
CANDIDATE_FILING = 8  # 报上级党委备案
INTRODUCERS = 9  # 确定入党介绍人
POLITICAL_REVIEW = 10  # 政治审查
TRAINING = 11  # 集中培训
BRANCH_COMMITTEE_REVIEW = 12  # 支部委员会审查
PRE_REVIEW = 13  # 上级党委预审
BRANCH_MEETING = 15  # 支部大会讨论接收
COMMITTEE_TALK = 16  # 上级党委派人谈话
APPROVAL = 17  # 上级党委审批（接收）
OATH = 20  # 入党宣誓
PROBATION_EDUCATION = 21  # 继续教育考察
CONVERSION_REQUEST = 22  # 提出转正申请
CONVERSION_MEETING = 23  # 支部大会讨论转正
CONVERSION = 24  # 上级党委审批（转正）
ARCHIVE = 25  # 材料归档


class Kind(StrEnum):
    """How a field is typed, shown and stored."""

    TEXT = "text"  # one line
    LONGTEXT = "longtext"
    CHOICE = "choice"  # one of ``choices`` (radio buttons)
    INT = "int"  # a count, ≥ 0
    DECIMAL = "decimal"  # days or hours, ≥ 0
    DATE = "date"
    MEMBERS = "members"  # members of the register (ids), under the branch's upper committee
    BOOL = "bool"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None  # the value when absent (the service fills it in; the form shows it first)
    help: str = ""
    max_length: int = 200
    max_value: int | None = None
    # A rule (not the service) judges a missing value: the form still asks for it, the rule refuses it
    # with its own id and article (R8 conclusion, R11 votes).
    checked_by: str = ""
    # Required only when another field has one of these values: (field, values).
    required_if: tuple[str, tuple[str, ...]] | None = None
    at_most: str = ""  # an INT not above another INT field of the step
    role: str = ""  # MEMBERS: the role they take for the person (contact / introducer)
    ledger_column: str = ""  # its column in the 台账 contract
    example: Any = None  # a plausible value (demo county, timeline probe)

    @property
    def asks(self) -> bool:
        """The form requires it (the service may leave the refusal to a rule)."""
        return self.required or bool(self.checked_by)


class Path(StrEnum):
    """How a verdict changes the person's path."""

    NOT_DEVELOPED = "not_developed"  # ends as 不予发展
    CANCELLED = "cancelled"  # ends as 取消预备党员资格
    EXTENDED = "extended"  # probation extended: the step waits to be held again


@dataclass(frozen=True)
class Outcome:
    path: Path
    keeps_date: bool = False  # the act took place (a meeting) although the path changes

    @property
    def completes_step(self) -> bool:
        return self.path != Path.EXTENDED


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    status_label: str  # what a person in this stage is called


@dataclass(frozen=True, eq=False)
class Step:
    number: int
    stage: int
    name: str
    actor: Actor
    materials: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    sets: str = ""  # the person's date field this step's date fills (Applicant.<sets>)
    effects: tuple[str, ...] = ()  # names in applicants.effects.EFFECTS, applied on the positive path
    verdict: str = ""  # the field whose value decides ``outcomes``
    outcomes: Mapping[str, Outcome] = field(default_factory=dict)  # verdict value → path change
    becomes: str = ""  # the person's status label from this step on (入党积极分子 …)
    responsible: str = ""  # the field naming the responsible person (谈话人), else the actor
    date_label: str = "办理日期"
    start_field: bool = False  # a period (training): a start date before the step's date
    queue_label: str = ""  # the staff queue this step waits in (备案 / 预审 / 谈话 / 审批)
    bulk: bool = False  # staff may record it for many people with one date (备案)
    chain_kind: str = "经办"  # in the responsibility chain: 推荐 / 备案 / 预审 / 审批 / 经办
    approves: int = 0  # the branch meeting (step number) whose decision this step approves (R12)
    ledger_column: str = ""  # its date column in the 台账 contract

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcomes", MappingProxyType(dict(self.outcomes)))

    def __reduce__(self):
        return get_step, (self.number,)  # one object per step: a cached timeline unpickles to the table

    @property
    def stage_obj(self) -> Stage:
        return STAGES[self.stage - 1]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def get_field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def outcome_for(self, data: Mapping[str, Any]) -> Outcome | None:
        """The path change a recorded verdict asks for; None on the positive path."""
        if not self.verdict:
            return None
        return self.outcomes.get(data.get(self.verdict) or "")

    @property
    def by_staff(self) -> bool:
        return self.actor != Actor.BRANCH

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

TALKER = Field("talker", "谈话人", required=True, max_length=100, example="李书记")


def meeting_votes(prefix: str = "") -> tuple[Field, ...]:
    """The branch meeting's vote (R11): who was expected and present with a vote (正式党员 only), the
    ballots, the written opinions handed in before the meeting by absent members (they count among the
    votes, not among those present), members left out of the expected count and why, and the method.
    ``prefix`` names the 台账 columns of the conversion meeting (转正…); "" the admission meeting's."""
    col = (lambda name: f"{prefix}{name}") if prefix else (lambda name: name)
    return (
        Field("expected_voters", "应到会有表决权的正式党员（人）", Kind.INT, checked_by="R11", max_value=9999,
              ledger_column=col("应到会有表决权人数"), example=30),
        Field("attending_voters", "实到会有表决权的正式党员（人）", Kind.INT, checked_by="R11", max_value=9999,
              ledger_column=col("实到会有表决权人数"), example=27),
        Field("yes_votes", "赞成（票）", Kind.INT, checked_by="R11", max_value=9999, ledger_column=col("赞成票数"),
              example=26),
        Field("no_votes", "反对（票）", Kind.INT, max_value=9999, example=0),
        Field("abstentions", "弃权（票）", Kind.INT, max_value=9999, example=1),
        Field("written_yes", "会前书面意见：赞成（份）", Kind.INT, max_value=9999,
              ledger_column="" if prefix else "会前书面意见赞成数",
              help="因故不能到会的有表决权党员在会前正式提出的书面意见，计入票数、不计入到会人数；会后提出的不计"),
        Field("written_no", "会前书面意见：反对（份）", Kind.INT, max_value=9999,
              ledger_column="" if prefix else "会前书面意见反对数"),
        Field("excluded", "不计入应到会人数的党员（人）", Kind.INT, max_value=9999,
              help="经上级党委同意、党员大会表决，可不计入应到会人数的五类党员；须写明是谁、属哪一类"),
        Field("excluded_reason", "不计入应到会人数的党员及原因", Kind.LONGTEXT),
        Field("vote_method", "表决方式", Kind.CHOICE, choices=("无记名投票", "举手表决"), default="无记名投票",
              ledger_column="" if prefix else "表决方式", help="2014年细则起须采取无记名投票方式表决"),
    )  # fmt: skip


COMMITTEE_VOTES = (  # R21: a collective decision of the committee's meeting, the numbers recorded with it
    Field("expected", "应到会委员（人）", Kind.INT, max_value=999, checked_by="R21", example=7),
    Field("attending", "实到会委员（人）", Kind.INT, max_value=999, at_most="expected", checked_by="R21", example=6),
    Field("yes", "同意（票）", Kind.INT, max_value=999, at_most="attending", checked_by="R21", example=6),
)  # fmt: skip
SPECIAL_REASON = Field(
    "special_reason",
    "超过3个月审批的特殊原因",
    Kind.LONGTEXT,
    help="支部大会后3个月内审批；因特殊原因延长的须记录原因，最长不超过6个月（R12）",
)


def refusal_reason(*refusals: str) -> Field:
    return Field("reason", "原因", Kind.LONGTEXT, required_if=("verdict", refusals), help="不同意的，须写明原因")


NOT_DEVELOPED = Outcome(Path.NOT_DEVELOPED)
CANCELLED = Outcome(Path.CANCELLED)

STEPS: tuple[Step, ...] = (
    Step(
        APPLICATION, 1, "递交入党申请书", B, ("入党申请书",),
        sets="applied_on", date_label="递交入党申请书日期", ledger_column="申请入党日期",
    ),
    Step(
        TALK, 1, "党组织派人谈话", B, ("谈话记录",), (TALKER,),
        sets="talked_on", responsible="talker", ledger_column="谈话日期",
    ),
    Step(
        ACTIVIST, 2, "推荐和确定入党积极分子", B, ("推荐表", "支部委员会会议记录"),
        (Field("recommendation", "推荐方式", Kind.CHOICE, required=True, choices=("党员推荐", "群团组织推优"),
               example="党员推荐"),),
        sets="activist_on", becomes="入党积极分子", chain_kind="推荐", ledger_column="确定积极分子日期",
    ),
    Step(4, 2, "上级党委备案", C, ("备案报告",), queue_label="备案", bulk=True, chain_kind="备案"),
    Step(
        CONTACTS, 2, "指定培养联系人", B, ("培养联系人指定记录",),
        (Field("contacts", "培养联系人", Kind.MEMBERS, checked_by="R4", role="contact",
               help="一至两名正式党员（R4）；按住 Ctrl 多选"),),
        effects=("assign_members",),
    ),
    Step(ACTIVIST_EDUCATION, 2, "培养教育考察", B, ("入党积极分子培养考察登记表", "思想汇报")),
    Step(
        CANDIDATE, 3, "确定发展对象", B, ("支部委员会会议记录", "听取意见记录", "公示材料"),
        sets="candidate_on", effects=("carry_consent",), becomes="发展对象", ledger_column="确定发展对象日期",
    ),
    Step(CANDIDATE_FILING, 3, "报上级党委备案", C, ("备案报告",), queue_label="备案", bulk=True, chain_kind="备案"),
    Step(
        INTRODUCERS, 3, "确定入党介绍人", B, ("入党介绍人确定记录",),
        (Field("introducers", "入党介绍人", Kind.MEMBERS, checked_by="R7", role="introducer",
               help="两名正式党员，受留党察看处分的不能作介绍人（R7）；一般由培养联系人担任"),),
        effects=("assign_members",),
    ),
    Step(
        POLITICAL_REVIEW, 3, "进行政治审查", B, ("政治审查材料", "政审结论"),
        (Field("conclusion", "政治审查结论（书面）", Kind.LONGTEXT, checked_by="R8", example="政治合格，无不良记录"),
         Field("verdict", "审查结果", Kind.CHOICE, checked_by="R8", choices=("合格", "不合格"), example="合格")),
    ),
    Step(
        TRAINING, 3, "开展集中培训", B, ("培训结业证明",),
        (Field("name", "培训班名称", default="发展对象集中培训"),
         Field("days", "培训天数", Kind.DECIMAL, max_value=999, example=3),
         Field("hours", "培训学时", Kind.DECIMAL, max_value=9999, example=24),
         Field("exception_reason", "不足3天或24学时的例外原因", Kind.LONGTEXT,
               help="集中培训不少于3天或24学时（R9）；确因特殊情况不足的，须记录原因")),
        effects=("record_training",), date_label="培训结束日期", start_field=True,
    ),
    Step(BRANCH_COMMITTEE_REVIEW, 4, "支部委员会审查", B, ("支部委员会审查意见",)),
    Step(
        PRE_REVIEW, 4, "上级党委预审", C, ("预审意见", "入党志愿书发放记录"),
        (Field("verdict", "预审结果", Kind.CHOICE, choices=("合格", "不合格"), default="合格",
               help="不合格的，不予发展"), refusal_reason("不合格")),
        verdict="verdict", outcomes={"不合格": NOT_DEVELOPED}, queue_label="预审", chain_kind="预审",
        ledger_column="预审合格日期",
    ),
    Step(14, 4, "填写入党志愿书", B, ("入党志愿书",)),
    Step(
        BRANCH_MEETING, 4, "支部大会讨论", B, ("支部大会记录", "支部大会决议"),
        (*meeting_votes(),
         Field("leaving_unit_soon", "发展对象三个月内将离开工作、学习单位", Kind.BOOL,
               help="一般不办理接收手续（R10，提示）"),
         Field("late_reason", "预审合格后超过一个月才召开的原因", Kind.LONGTEXT,
               help="细则（2026）第十九条：预审合格后一个月内提交党支部党员大会讨论（R27）")),
        sets="branch_meeting_on", effects=("start_probation",), ledger_column="支部大会日期",
    ),
    Step(
        COMMITTEE_TALK, 4, "上级党委派人谈话", C, ("谈话记录",),
        (Field("talker", "谈话人", required=True, max_length=100, help="上级党委派人谈话须为党委委员或组织员",
               example="王组织员"),),
        responsible="talker", queue_label="谈话",
    ),
    Step(
        APPROVAL, 4, "上级党委审批", C, ("审批意见",),
        (Field("verdict", "审批结果", Kind.CHOICE, choices=("批准", "不批准"), default="批准",
               help="不批准的，不予发展"),
         *(replace(f, ledger_column=c) for f, c in zip(COMMITTEE_VOTES, ("党委应到会委员数", "党委实到会委员数",
                                                                           "党委同意票数"), strict=True)),
         replace(SPECIAL_REASON, ledger_column="延期审批原因"), refusal_reason("不批准")),
        sets="admitted_on", effects=("admit",), approves=BRANCH_MEETING, verdict="verdict", outcomes={"不批准": NOT_DEVELOPED},
        becomes="预备党员", queue_label="审批", chain_kind="审批", ledger_column="上级党委审批日期",
    ),
    Step(18, 4, "再上一级党委组织部门备案", D, ("备案材料",), queue_label="备案", bulk=True, chain_kind="备案"),
    Step(19, 5, "编入党支部和党小组", B, (), (Field("group", "编入党小组", required=True, max_length=100,
                                                  example="第一党小组"),)),
    Step(OATH, 5, "入党宣誓", B, ("宣誓记录",), ledger_column="入党宣誓日期", fields=
         (Field("late_reason", "批准后超过一个月宣誓的原因", Kind.LONGTEXT,
                help="细则（2026）第二十九条：一般在批准后一个月内宣誓；参加县级以上党委在七一、国庆等组织的集中宣誓的，写明（R28）"),)),
    Step(PROBATION_EDUCATION, 5, "继续教育考察", B, ("预备党员教育考察登记表", "思想汇报")),
    Step(CONVERSION_REQUEST, 5, "提出转正申请", B, ("转正申请书",)),
    Step(
        CONVERSION_MEETING, 5, "支部大会讨论", B, ("支部大会记录", "转正决议"),
        (*meeting_votes("转正"),
         Field("decision", "讨论结果", Kind.CHOICE, choices=("按期转正", "延长预备期", "取消预备党员资格"),
               default="按期转正", example="按期转正"),
         Field("extension_months", "延长月数", Kind.INT, max_value=24, help="只能延长一次，6至12个月（R13）"),
         Field("reason", "原因", Kind.LONGTEXT, required_if=("decision", ("延长预备期", "取消预备党员资格")),
               help="延长预备期或取消预备党员资格须写明原因")),
        sets="conversion_meeting_on", verdict="decision",
        outcomes={"延长预备期": Outcome(Path.EXTENDED), "取消预备党员资格": Outcome(Path.CANCELLED, keeps_date=True)},
        ledger_column="转正支部大会日期",
    ),
    Step(
        CONVERSION, 5, "上级党委审批", C, ("转正审批意见",),
        (Field("verdict", "审批结果", Kind.CHOICE, choices=("批准转正", "不批准"), default="批准转正",
               help="不批准转正的，取消预备党员资格"),
         *COMMITTEE_VOTES, SPECIAL_REASON, refusal_reason("不批准")),
        sets="converted_on", effects=("promote",), approves=CONVERSION_MEETING, verdict="verdict", outcomes={"不批准": CANCELLED},
        becomes="正式党员", queue_label="审批", chain_kind="审批", ledger_column="转正审批日期",
    ),
    Step(ARCHIVE, 5, "材料归档", B, ("档案移交记录",), effects=("complete",)),
)  # fmt: skip

STEP_BY_NUMBER = {s.number: s for s in STEPS}
LAST_STEP = STEPS[-1].number
FIELD_NAMES = frozenset(f.name for s in STEPS for f in s.fields)  # input of some step's form
LEDGER_STEPS = tuple(s for s in STEPS if s.ledger_column)


# Spans of completed steps (first, last) in which a person is in a phase the rules watch.
AS_ACTIVIST = (ACTIVIST, ACTIVIST_EDUCATION)  # assessed every half year as 入党积极分子 (R5)
AS_PROBATIONER = (APPROVAL, CONVERSION_REQUEST)  # assessed every half year as 预备党员 (R5)
IN_PROBATION = (BRANCH_MEETING, CONVERSION_REQUEST)  # probation runs from the branch meeting (R13/R14)


def within(span: tuple[int, int], current_step: int) -> bool:
    return span[0] <= current_step <= span[1]


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


def stage_steps(stage: int) -> tuple[int, int]:
    """The first and last step number of a stage."""
    numbers = [s.number for s in STEPS if s.stage == stage]
    return min(numbers), max(numbers)


def status_label(current_step: int) -> str:
    """入党申请人 / 入党积极分子 / 发展对象 / 预备党员 / 正式党员 by the last completed step."""
    label = STAGES[0].status_label
    for s in STEPS:
        if s.number > current_step:
            break
        label = s.becomes or label
    return label


def steps_at(actor: Actor) -> tuple[Step, ...]:
    return tuple(s for s in STEPS if s.actor == actor)
