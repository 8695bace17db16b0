from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from .rulebook import ensure_checks_loaded

        ensure_checks_loaded()
