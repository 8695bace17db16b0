"""Content types of the moved models: ``quotas.<model>`` becomes ``jobs.<model>``.

Renaming the rows (rather than letting new ones be created) keeps their ids, so permissions granted
on these models and admin log entries stay attached. A database migrated from scratch has no such
rows yet (they are created after migrating) and nothing happens. If a ``jobs`` row already exists
for a model, the ``quotas`` one is left alone (``remove_stale_contenttypes`` reports it).
"""

from django.db import migrations

MODELS = ("stalescan", "staleflag", "stalechange", "followup", "jobrun", "emaillog", "notification")


def _relabel(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label=old, model__in=set(MODELS) - taken).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, old="quotas", new="jobs")


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, old="jobs", new="quotas")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
