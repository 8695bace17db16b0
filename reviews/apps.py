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
        add_home_widget("reviews/_home_widget.html", roles=STAFF_ROLES, order=20, cached=True)
        # The branch's own 初审, and what a tier above sent back, on its home page and to-do.
        from applicants.registry import add_todo_panel
        from recruitment.models import Role

        add_home_widget("reviews/_home_branch.html", roles=(Role.BRANCH_SECRETARY,), order=10, cached=True)
        add_todo_panel("reviews/_todo_branch.html", roles=(Role.BRANCH_SECRETARY,), order=10)

        # A decision reaches the person through its ledger entry: it bumps the person's version too.
        from django.db.models.signals import post_save

        from applicants.versions import bump

        from .models import ReviewDecision

        post_save.connect(
            lambda sender, instance, **kw: bump([instance.entry.applicant_id]),
            sender=ReviewDecision,
            dispatch_uid="applicant-version-reviewdecision",
            weak=False,
        )

        # The person's snapshot on their ledger entries follows every write to the person.
        from applicants.versions import person_changed

        from . import snapshot

        person_changed.connect(
            lambda sender, ids, **kw: snapshot.refresh(ids), dispatch_uid="ledger-snapshot", weak=False
        )
