"""R17 applies by residence (流动人员), no longer by sector: its ``sectors`` parameter is emptied (a county
may list sectors again). R20 (the joint political review) has a national basis from 2026-05-11
(细则2026第十六条): a row from that date, a warning; counties may make it hard with their own row."""

import datetime as dt

from django.db import migrations

R20_2026 = {
    "title": "政治审查由县级党委组织部门和执纪执法等部门政审联审",
    "kind": "warn",
    "version": "2026",
    "article": "细则（2026）第十六条",
    "params": {"departments": []},
    "enabled": True,
}


def forwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    for row in RuleDefinition.objects.filter(code="R17", jurisdiction=None):
        row.params = {**(row.params or {}), "sectors": []}
        row.title = "流动人员的发展对象须征求户籍所在地党组织意见"
        row.save(update_fields=["params", "title"])
    RuleDefinition.objects.get_or_create(code="R20", effective_from=dt.date(2026, 5, 11), jurisdiction=None, defaults=R20_2026)


def backwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    RuleDefinition.objects.filter(code="R20", effective_from=dt.date(2026, 5, 11), jurisdiction=None).delete()
    for row in RuleDefinition.objects.filter(code="R17", jurisdiction=None):
        row.params = {**(row.params or {}), "sectors": ["非公企业", "社会组织"]}
        row.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_merge_0006_opinion_original_name_0006_rule_versions")]
    operations = [migrations.RunPython(forwards, backwards)]
