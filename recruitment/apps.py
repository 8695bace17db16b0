from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import changes
        from .models import Organization, PartyMember, RuleDefinition, WorkCalendarDay

        post_save.connect(changes.on_member_write, sender=PartyMember, dispatch_uid="change-marks-member")
        post_delete.connect(changes.on_member_write, sender=PartyMember, dispatch_uid="change-marks-member-del")
        for model in (Organization, RuleDefinition, WorkCalendarDay):
            uid = f"change-marks-reference-{model.__name__}"
            post_save.connect(changes.on_reference_write, sender=model, dispatch_uid=uid)
            post_delete.connect(changes.on_reference_write, sender=model, dispatch_uid=f"{uid}-del")

        from .registry import add_nav
        from .scope import DEPARTMENT_ROLES, STAFF_ROLES

        add_nav("recruitment:member_import", "党员名册导入", "person-plus", STAFF_ROLES, order=72)
        add_nav("recruitment:calendar", "工作日历", "calendar3", DEPARTMENT_ROLES, order=73)
