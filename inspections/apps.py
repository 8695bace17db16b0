from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "档案抽查与整改"

    def ready(self) -> None:
        from recruitment.registry import add_archive_panel, add_home_widget, add_nav
        from recruitment.scope import OVERSIGHT_ROLES, READ_ROLES

        add_nav("inspections:list", "抽查记录", "clipboard-check", roles=OVERSIGHT_ROLES, order=35)
        add_nav("inspections:findings", "整改事项", "wrench-adjustable", roles=READ_ROLES, order=36)
        add_home_widget("inspections/widgets/home_findings.html", roles=READ_ROLES, order=15, cached=True)
        add_archive_panel("inspections/_archive_panel.html", order=10)
