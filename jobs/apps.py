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
