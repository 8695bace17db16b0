from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Scheduled jobs: the stale-organization scan, emails and the inbox, background job runs.

    Its models keep the tables they had while they lived in quotas (``quotas_*``)."""

    name = "jobs"
    verbose_name = "预警与后台任务"

    def ready(self) -> None:
        register_jobs_ui()


def _unread(user) -> int:
    from .notify import notification_unread_count

    return notification_unread_count(user=user)


def register_jobs_ui() -> None:
    """Navigation and the home widget of the jobs area."""
    from recruitment.models import Role
    from recruitment.registry import add_home_widget, add_nav

    add_nav(
        "jobs:stale_list",
        "预警组织",
        "exclamation-triangle",
        roles=(Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTOR),
        order=60,
    )
    add_nav("jobs:jobs", "后台任务", "clock-history", roles=(Role.DEPARTMENT_STAFF,), order=80)
    add_nav("jobs:inbox", "消息", "bell", roles=None, order=90, badge=_unread)
    add_home_widget(
        "jobs/_home_stale.html", roles=(Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTOR), order=40
    )
