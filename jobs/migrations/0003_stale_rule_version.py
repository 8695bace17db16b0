"""The stale-organization rule is county practice (seeds 000, 003); 2026 article 37 backs it."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("recruitment", "RuleDefinition").objects.filter(code="STALE").update(version="local")


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_content_types_from_quotas"),
        ("quotas", "0001_jobs"),
        ("recruitment", "0007_rule_sets_charter_2014_2026"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
