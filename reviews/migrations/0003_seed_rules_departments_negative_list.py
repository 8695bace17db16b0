"""Seeds, frozen in this migration (a later change of the rules is a new migration, never an edit
of this data): Seed data for the pre-assessment rules R16–R20, the default 执纪执法 departments and a default
negative list. Loaded by a data migration; counties edit them in the admin afterwards."""

import datetime as dt

from django.db import migrations


EFFECTIVE = dt.date(2014, 6, 10)

# code, title, kind, article, params, enabled
RULES = [
    (
        "R16",
        "未经三级预判分析或预判不合格的，不得接收为预备党员",
        "hard",
        "预判分析制度（韩城）",
        {"min_committee_opinions": 1},
        True,
    ),
    (
        "R17",
        "两新组织发展对象须征求户籍所在地党组织意见",
        "hard",
        "预判分析制度（韩城）",
        {"sectors": ["非公企业", "社会组织"]},
        True,
    ),
    ("R18", "村组干部近亲属发展入党须经县级批复", "hard", "农村发展党员负面清单制度（商河）", {}, True),
    (
        "R19",
        "对照发展党员政治审查负面清单，命中任何一条不得发展",
        "hard",
        "发展党员政治审查负面清单",
        {"require_check_before_committee": True},
        True,
    ),
    ("R20", "集中培训前由执纪执法部门联审", "hard", "政审联审制度（太平区）", {"departments": []}, False),
]

DEPARTMENTS = ["纪委监委", "公安局", "统战部", "政法委", "信访局", "检察院", "法院", "司法局", "市场监管局", "人社局"]

NEGATIVE_LIST = [
    ("违反党的政治纪律，公开发表违背党的理论和路线方针政策言论的", "包括在网络、微信群等发表、转发错误言论。"),
    ("参加非法组织或者非法活动的", ""),
    ("信仰宗教或者参加宗教活动的", "党员不得信仰宗教。"),
    ("参与邪教组织及其活动的", ""),
    ("受到刑事处罚的", "含被判处管制、拘役、有期徒刑及以上刑罚或免予刑事处罚。"),
    ("正在接受纪检监察机关审查调查或者司法机关立案侦查的", ""),
    ("近三年内受到行政拘留等治安管理处罚的", ""),
    ("参与黑恶势力或者为其充当“保护伞”的", ""),
    ("组织、参与非法上访，缠访闹访、越级上访造成不良影响的", ""),
    ("参与赌博、吸毒、传销等违法活动的", ""),
    ("被列入失信被执行人名单的", ""),
    ("侵占、拖欠集体资金资产或者拒不履行合同义务的", ""),
    ("违法占地建房、私搭乱建拒不整改的", ""),
    ("在征地拆迁、项目建设等工作中煽动群众、阻挠公务的", ""),
    ("在村（社区）“两委”换届选举中拉票贿选、干扰选举的", ""),
    ("入党动机不纯，以谋取个人私利为目的的", ""),
    ("弄虚作假，篡改年龄、学历、档案等个人信息的", ""),
    ("拒不履行赡养、抚养义务，家庭关系不和睦造成恶劣影响的", ""),
    ("严重违反社会公德、职业道德、家庭美德的", ""),
    ("主要社会关系中有严重问题且本人不能划清界限的", ""),
    ("受到政务处分、处分期未满或者影响期未满的", ""),
    ("长期外出、与党组织失去联系，不参加组织活动的", ""),
    ("群众公认度低，听取党员和群众意见时多数不同意的", ""),
    ("在校期间考试作弊、学术不端受到处分尚未解除的", ""),
    ("其他不符合党员条件、群众反映强烈的", "须写明具体情形。"),
]


def seed(apps) -> None:
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    ReviewDepartment = apps.get_model("reviews", "ReviewDepartment")
    NegativeListItem = apps.get_model("reviews", "NegativeListItem")
    for code, title, kind, article, params, enabled in RULES:
        RuleDefinition.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE,
            defaults={"title": title, "kind": kind, "article": article, "params": params, "enabled": enabled},
        )
    for i, name in enumerate(DEPARTMENTS, start=1):
        ReviewDepartment.objects.get_or_create(name=name, defaults={"order": i * 10})
    for i, (title, description) in enumerate(NEGATIVE_LIST, start=1):
        NegativeListItem.objects.get_or_create(
            number=i, defaults={"article": f"负面清单第{i}条", "title": title, "description": description}
        )


def forwards(apps, schema_editor):
    seed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_opinions_checks_negative_list"),
        ("recruitment", "0003_seed_rules"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
