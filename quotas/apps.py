from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "quotas"
    verbose_name = "计划、比例与预警"

    def ready(self) -> None:
        register_plan_ui()
        register_review_panel()
        connect_change_marks()


def connect_change_marks() -> None:
    """Every write of a plan, an allocation or a ratio rule marks ``quotas`` (recruitment.changes):
    the cached dashboard is keyed by it."""
    from django.db.models.signals import post_delete, post_save

    from . import models

    for model in (
        models.AnnualPlan,
        models.PlanAllocation,
        models.AllocationChange,
        models.RatioRuleSet,
        models.RatioRule,
    ):
        post_save.connect(_touch_quotas, sender=model, dispatch_uid=f"quotas-mark-{model.__name__}")
        post_delete.connect(_touch_quotas, sender=model, dispatch_uid=f"quotas-mark-del-{model.__name__}")


def _touch_quotas(sender, **kwargs) -> None:
    from recruitment.changes import QUOTAS, touch

    touch([QUOTAS])


def register_plan_ui() -> None:
    """Navigation and the home widget of plans / ratio rules / the structure dashboard."""
    from recruitment.registry import add_home_widget, add_nav
    from recruitment.scope import OVERSIGHT_ROLES, STAFF_ROLES

    add_nav("quotas:plans", "计划与比例", "clipboard-data", roles=STAFF_ROLES, order=60)
    add_nav("quotas:dashboard", "结构比例看板", "bar-chart-line", roles=OVERSIGHT_ROLES, order=61)
    add_home_widget("quotas/widgets/home_shares.html", roles=STAFF_ROLES, order=30)


def register_review_panel() -> None:
    """The final review's effect on the year's shares, on reviews' ledger entry page."""
    from reviews.registry import add_entry_panel

    from .views import final_review_panel

    add_entry_panel("quotas/_final_review_effect.html", final_review_panel, order=10)
