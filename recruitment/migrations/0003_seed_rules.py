from django.db import migrations


def forwards(apps, schema_editor):
    from recruitment.rule_data import seed_rules

    seed_rules(apps.get_model("recruitment", "RuleDefinition"))


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_historicalruledefinition_ruledefinition")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
