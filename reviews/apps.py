from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "三级预审与审批"

    def ready(self) -> None:
        from recruitment.registry import add_applicant_panel, add_home_widget, add_nav
        from recruitment.scope import READ_ROLES, STAFF_ROLES

        add_nav("reviews:ledger", "预审台账", "journal-check", roles=READ_ROLES, order=30)
        add_nav("reviews:queue", "审批队列", "inbox", roles=STAFF_ROLES, order=31)
        add_applicant_panel("reviews/_applicant_panel.html", order=40)
        add_home_widget("reviews/_home_widget.html", roles=STAFF_ROLES, order=20)
