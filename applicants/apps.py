from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "发展对象纪实"

    def ready(self) -> None:
        from .rulebook import ensure_checks_loaded

        ensure_checks_loaded()  # every app's gates.py registers its checks in the one engine
        from recruitment.models import Role
        from recruitment.registry import add_home_widget, add_nav

        everyone = tuple(Role.values)
        add_nav("applicants:list", "发展对象", "person-lines-fill", everyone, order=20)
        add_nav("applicants:todo", "待办提醒", "bell", everyone, order=21)
        add_nav(
            "ledger:import",
            "台账导入",
            "file-earmark-arrow-up",
            (Role.BRANCH_SECRETARY, Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF),
            order=40,
        )
        add_home_widget("applicants/widgets/todo.html", everyone, order=10)
        add_home_widget("applicants/widgets/pipeline.html", everyone, order=11)
