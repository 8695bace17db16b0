from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from .registry import add_nav
        from .scope import STAFF_ROLES

        add_nav("recruitment:member_import", "党员名册导入", "person-plus", STAFF_ROLES, order=72)
