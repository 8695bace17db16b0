from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Scheduled jobs: the stale-organization scan, emails and the inbox, background job runs.

    Its models keep the tables they had while they lived in quotas (``quotas_*``)."""

    name = "jobs"
    verbose_name = "预警与后台任务"

    def ready(self) -> None:
        register_jobs_ui()
        from applicants.handoffs import handoff

        from .notify import on_handoff

        handoff.connect(on_handoff, dispatch_uid="jobs-handoff-inbox", weak=False)
        connect_rule_changes()


def _queue_due_rebuild(**kwargs) -> None:
    """A rule row saved may move everyone's next to-do item: recompute them in the background once the
    change is committed (the nightly run catches it if the broker is down)."""
    import logging

    from django.db import transaction

    from . import broker

    def send():
        try:
            broker.send(broker.DUE_REBUILD, retry=False)
        except Exception:  # noqa: BLE001 — the broker being down must not fail the rule edit
            logging.getLogger(__name__).warning("下一待办重算未能排队，将由每晚的任务完成", exc_info=True)

    transaction.on_commit(send)


def connect_rule_changes() -> None:
    from django.db.models.signals import post_delete, post_save

    from recruitment.models import RuleDefinition

    post_save.connect(_queue_due_rebuild, sender=RuleDefinition, dispatch_uid="jobs-due-rebuild-rule")
    post_delete.connect(_queue_due_rebuild, sender=RuleDefinition, dispatch_uid="jobs-due-rebuild-rule-del")


def _unread(user) -> int:
    from .notify import notification_unread_count

    return notification_unread_count(user=user)


def register_jobs_ui() -> None:
    """Navigation and the home widget of the jobs area."""
    from recruitment.registry import add_home_widget, add_nav
    from recruitment.scope import DEPARTMENT_ROLES, OVERSIGHT_ROLES

    add_nav(
        "jobs:stale_list",
        "预警组织",
        "exclamation-triangle",
        roles=OVERSIGHT_ROLES,
        order=60,
    )
    add_nav("jobs:jobs", "后台任务", "clock-history", roles=DEPARTMENT_ROLES, order=80)
    add_nav("jobs:inbox", "消息", "bell", roles=None, order=90, badge=_unread)
    add_home_widget("jobs/_home_stale.html", roles=OVERSIGHT_ROLES, order=40)
