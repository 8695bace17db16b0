"""Navigation and home widgets of the jobs area (called from QuotasConfig.ready)."""

from recruitment.registry import add_home_widget, add_nav
from recruitment.scope import DEPARTMENT_ROLES, OVERSIGHT_ROLES


def _unread(user) -> int:
    from .notify import notification_unread_count

    return notification_unread_count(user=user)


def register() -> None:
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
