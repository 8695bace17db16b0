"""Seeds, frozen in this migration (a later change of the rules is a new migration, never an edit
of this data): The 2014 细则 rule set as seeded into ``RuleDefinition`` (kind, article, params)."""

import datetime as dt

from django.db import migrations


EFFECTIVE_2014 = dt.date(2014, 6, 10)

RULES_2014 = [
    ("R1", "申请入党须年满十八周岁", "hard", "细则第五条", {"min_age": 18}),
    ("R2", "一个月内派人谈话", "warn", "细则第七条", {"months": 1}),
    ("R3", "按程序顺序办理，日期不早于上一步骤", "hard", "发展党员工作流程", {}),
    ("R4", "指定一至两名正式党员作培养联系人", "hard", "细则第九条", {"min": 1, "max": 2}),
    ("R5", "每半年对入党积极分子进行一次考察", "warn", "细则第十一条", {"months": 6}),
    ("R6", "经过一年以上培养教育和考察方可列为发展对象", "hard", "细则第十三条", {"years": 1}),
    ("R7", "两名正式党员作入党介绍人", "hard", "细则第十四条", {"count": 2}),
    ("R8", "政治审查须形成结论，不合格不能发展", "hard", "细则第十六条", {}),
    ("R9", "集中培训不少于三天或二十四学时", "hard", "细则第十七条", {"min_days": 3, "min_hours": 24}),
    ("R10", "三个月内将离开单位的一般不办理接收", "warn", "细则第十九条", {}),
    ("R11", "支部大会到会人数和赞成票均须过半", "hard", "细则第二十条、第二十一条", {}),
    (
        "R12",
        "上级党委三个月内审批，最长不超过六个月",
        "hard",
        "细则第二十五条、第三十四条",
        {"months": 3, "max_months": 6},
    ),
    (
        "R13",
        "预备期一年，延长一次，六个月至一年",
        "hard",
        "细则第三十二条",
        {"min_extension_months": 6, "max_extension_months": 12},
    ),
    ("R14", "预备期满方可讨论转正", "hard", "细则第三十二条、第三十三条", {}),
    ("R15", "党龄自预备期满转为正式党员之日算起", "hard", "细则第三十四条", {}),
]


def seed_rules(RuleDefinition) -> None:
    for code, title, kind, article, params in RULES_2014:
        RuleDefinition.objects.update_or_create(
            code=code,
            effective_from=EFFECTIVE_2014,
            defaults={"title": title, "kind": kind, "article": article, "params": params},
        )


def forwards(apps, schema_editor):
    seed_rules(apps.get_model("recruitment", "RuleDefinition"))


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_historicalruledefinition_ruledefinition")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
