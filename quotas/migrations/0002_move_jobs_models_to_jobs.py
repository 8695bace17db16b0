"""The jobs models (stale scans, follow-ups, job runs, emails, inbox) now belong to the ``jobs`` app.

State only: the tables stay where they are (``quotas_stalescan`` …) with every row; the models are
taken out of quotas' migration state here and put into jobs' state by ``jobs/0001_initial``, which
points them at the same tables (``db_table``). Nothing in quotas refers to these models.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quotas", "0001_jobs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # models with foreign keys to other jobs models first
                migrations.DeleteModel(name="StaleFlag"),
                migrations.DeleteModel(name="StaleChange"),
                migrations.DeleteModel(name="EmailLog"),
                migrations.DeleteModel(name="StaleScan"),
                migrations.DeleteModel(name="JobRun"),
                migrations.DeleteModel(name="FollowUp"),
                migrations.DeleteModel(name="Notification"),
            ],
            database_operations=[],
        ),
    ]
