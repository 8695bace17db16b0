"""The separation-of-duties rule (SOD) as a rule row, enabled; data frozen here."""

import datetime as dt

from django.db import migrations

SOD = {
    "title": "同一条目的三级审查须由不同人员作出",
    "kind": "hard",
    "article": "预判分析制度（谁预审谁负责）",
    "params": {},
    "enabled": True,
}


def forwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    RuleDefinition.objects.get_or_create(code="SOD", effective_from=dt.date(2014, 6, 10), defaults=SOD)


def backwards(apps, schema_editor):
    apps.get_model("recruitment", "RuleDefinition").objects.filter(code="SOD").delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_indexes_for_scale")]
    operations = [migrations.RunPython(forwards, backwards)]
