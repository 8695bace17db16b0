"""The national rule sets as rows, frozen here (a later correction is a new migration, never an edit of
this data). Three versions judge three periods of history:

* before 2014-05-28: the 党章 (age, order, votes, one-year probation) and the 1990 试行细则 (one year as
  activist, three/six months for approval), plus the consistency rules that hold for every date;
* the 2014 细则 (issued 2014-05-28, in force on issue; the rows seeded earlier said 2014-06-10, its
  publication date, and some 2014 article numbers were one too low);
* the 2026 revision (issued 2026-05-11, in force on issue): articles renumbered, 公示 and consent
  before listing a 发展对象, the meeting within a month of 预审, the oath within a month of approval,
  introducers under a recent penalty (R7B).

A rule without a row in a period is not judged in that period (R9's 24 学时 did not exist before
2014). Messages name the version through the article ("细则（2026）第十九条").
"""

import datetime as dt

from django.db import migrations

CHARTER_FROM = dt.date(1921, 7, 1)
V2014_FROM = dt.date(2014, 5, 28)
V2026_FROM = dt.date(2026, 5, 11)
OLD_2014_FROM = dt.date(2014, 6, 10)

C90 = "1990年《发展党员工作细则（试行）》"

# code: (title, kind, params, charter article or None, 2014 article or None, 2026 article or None)
RULES = {
    "R1": ("申请入党须年满十八周岁", "hard", {"min_age": 18}, "党章第一条", "细则（2014）第五条", "细则（2026）第五条"),
    "R2": ("一个月内派人谈话", "warn", {"months": 1}, None, "细则（2014）第七条", "细则（2026）第七条"),
    "R3": ("按程序顺序办理，日期不早于上一步骤", "hard", {}, "发展党员工作流程", "发展党员工作流程（2014）",
           "发展党员工作流程（2026）"),
    "R4": ("指定一至两名正式党员作培养联系人", "hard", {"min": 1, "max": 2}, None, "细则（2014）第九条",
           "细则（2026）第九条"),
    "R5": ("每半年对入党积极分子进行一次考察", "warn", {"months": 6}, None, "细则（2014）第十一条",
           "细则（2026）第十一条"),
    "R6": ("经过一年以上培养教育和考察方可列为发展对象", "hard", {"years": 1}, f"{C90}", "细则（2014）第十三条",
           "细则（2026）第十三条"),
    "R7": ("两名正式党员作入党介绍人，受留党察看处分的不能作介绍人", "hard", {"count": 2}, None,
           "细则（2014）第十四条", "细则（2026）第十四条"),
    "R8": ("政治审查须形成结论，不合格不能发展", "hard", {}, None, "细则（2014）第十六条", "细则（2026）第十六条"),
    "R9": ("集中培训不少于三天或二十四学时", "hard", {"min_days": 3, "min_hours": 24}, None, "细则（2014）第十七条",
           "细则（2026）第十七条"),
    "R10": ("三个月内将离开单位的一般不办理接收", "warn", {}, None, "细则（2014）第十九条", "细则（2026）第十八条"),
    "R11": ("党支部党员大会到会人数和赞成票均须超过应到会有表决权人数的半数", "hard",
            {"secret_ballot": True}, "党章第五条", "细则（2014）第二十条、第二十一条",
            "细则（2026）第十九条、第二十条"),
    "R12": ("上级党委三个月内审批，最长不超过六个月", "hard", {"months": 3, "max_months": 6}, f"{C90}",
            "细则（2014）第二十六条、第三十四条", "细则（2026）第二十五条、第三十三条"),
    "R13": ("预备期一年，延长一次，六个月至一年", "hard", {"min_extension_months": 6, "max_extension_months": 12},
            "党章第七条", "细则（2014）第三十二条", "细则（2026）第三十一条"),
    "R14": ("预备期满方可讨论转正", "hard", {}, "党章第七条", "细则（2014）第三十二条、第三十三条",
            "细则（2026）第三十一条、第三十二条"),
    "R15": ("党龄自预备期满转为正式党员之日算起", "hard", {}, "党章第七条", "细则（2014）第三十四条",
            "细则（2026）第三十三条"),
    "R21": ("党委审批须集体讨论、逐个表决，到会委员和同意票均须超过应到会委员半数", "hard", {},
            "党章第十条（民主集中制）", "细则（2014）第二十四条、第二十五条", "细则（2026）第二十二条、第二十四条"),
    "R22": ("预备党员编入支部、宣誓、教育考察在批准之后；转正申请在预备期满时提出", "hard",
            {"request_months_before_end": 1}, "党章第七条", "细则（2014）第二十九条至第三十三条",
            "细则（2026）第二十八条至第三十二条"),
    "R23": ("材料归档时档案材料齐全，缺项须逐项记录免交理由", "hard",
            {"required": ["入党申请书", "入党积极分子培养考察登记表", "政治审查材料", "入党志愿书",
                          "预备党员教育考察登记表", "转正申请书"]},
            "党员档案管理规定", "细则（2014）第三十七条", "细则（2026）第三十六条"),
    "R24": ("身份信息修改后重新核对已办理的步骤", "hard", {}, "身份信息一致性", "身份信息一致性", "身份信息一致性"),
    "R25": ("确定发展对象前公示不少于五个工作日（流动人员在流出地和流入地同时公示）", "hard", {"working_days": 5},
            None, None, "细则（2026）第十三条"),
    "R26": ("拟列为发展对象须经上级党委同意，在公示之前", "hard", {}, None, None, "细则（2026）第十三条"),
    "R27": ("预审合格后一个月内提交党支部党员大会讨论", "warn", {"months": 1}, None, None, "细则（2026）第十九条"),
    "R28": ("批准后一个月内组织入党宣誓", "warn", {"months": 1}, None, None, "细则（2026）第二十九条"),
    "R7B": ("受警告、严重警告、撤销党内职务处分在影响期内的党员不宜作入党介绍人", "warn", {}, None, None,
            "细则（2026）第十四条"),
}  # fmt: skip
# Parameters that differ before 2014: the 党章 allowed a show of hands (无记名投票 from the 2014 细则).
CHARTER_PARAMS = {"R11": {"secret_ballot": False}}


def forwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    # The 2014 rows seeded earlier: from the issue date, marked as 2014.
    for row in RuleDefinition.objects.filter(effective_from=OLD_2014_FROM, code__in=RULES, jurisdiction=None):
        row.effective_from = V2014_FROM
        row.save(update_fields=["effective_from"])
    for code, (title, kind, params, charter, v2014, v2026) in RULES.items():
        for version, start, article in (("charter", CHARTER_FROM, charter), ("2014", V2014_FROM, v2014),
                                        ("2026", V2026_FROM, v2026)):  # fmt: skip
            if article is None:
                continue
            RuleDefinition.objects.update_or_create(
                code=code,
                effective_from=start,
                jurisdiction=None,
                defaults={
                    "title": title,
                    "kind": kind,
                    "params": CHARTER_PARAMS.get(code, params) if version == "charter" else params,
                    "article": article,
                    "version": version,
                },
            )


def backwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    seeded_before = [f"R{n}" for n in range(1, 16)]
    RuleDefinition.objects.filter(code__in=RULES, effective_from__in=[CHARTER_FROM, V2026_FROM]).delete()
    RuleDefinition.objects.filter(code__in=RULES, effective_from=V2014_FROM).exclude(code__in=seeded_before).delete()
    RuleDefinition.objects.filter(code__in=seeded_before, effective_from=V2014_FROM).update(
        effective_from=OLD_2014_FROM
    )


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0006_rule_versions_and_jurisdictions")]
    operations = [migrations.RunPython(forwards, backwards)]
