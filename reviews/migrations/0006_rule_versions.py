"""Version labels of the reviews' rule rows (data frozen here): the pre-assessment rules R16–R20 come
from county practice (seeds 000, 001, 003), SOD is the system's own."""

from django.db import migrations


def forwards(apps, schema_editor):
    RuleDefinition = apps.get_model("recruitment", "RuleDefinition")
    RuleDefinition.objects.filter(code__in=["R16", "R17", "R18", "R19", "R20"]).update(version="local")
    RuleDefinition.objects.filter(code="SOD").update(version="system")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_separation_of_duties_rule"),
        ("recruitment", "0007_rule_sets_charter_2014_2026"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
