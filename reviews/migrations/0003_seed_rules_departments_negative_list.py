from django.db import migrations


def forwards(apps, schema_editor):
    from reviews.rule_data import seed

    seed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_opinions_checks_negative_list"),
        ("recruitment", "0003_seed_rules"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
