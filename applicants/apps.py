from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "发展对象纪实"

    def ready(self) -> None:
        from .rulebook import ensure_checks_loaded

        ensure_checks_loaded()  # every app's gates.py registers its checks in the one engine

        from . import versions

        versions.connect()
        from . import due

        due.connect()
        from recruitment.registry import add_home_stamp, add_home_widget, add_nav
        from recruitment.scope import DEPARTMENT_ROLES, READ_ROLES, WRITE_ROLES

        add_nav("applicants:list", "发展对象", "person-lines-fill", READ_ROLES, order=20)
        add_nav("applicants:todo", "待办提醒", "bell", READ_ROLES, order=21)
        add_nav("ledger:import", "台账导入", "file-earmark-arrow-up", WRITE_ROLES, order=40)
        add_nav("applicants:access_log", "访问记录", "eye", DEPARTMENT_ROLES, order=45)
        add_home_widget("applicants/widgets/todo.html", READ_ROLES, order=10, cached=True)
        add_home_widget("applicants/widgets/pipeline.html", READ_ROLES, order=11, cached=True)
        add_home_stamp(home_stamp)


def home_stamp(user) -> str:
    """The home widgets drawn from the people in the user's scope (to-do, pipeline; the reviews' and
    spot checks' widgets hang on the same people) change with them and with the rule rows."""
    from recruitment.fragments import scope_stamp

    return scope_stamp(user)
