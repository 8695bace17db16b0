"""Home-page widgets and small display helpers for the applicants templates."""

from django import template
from django.utils import timezone

from applicants import selectors
from applicants.models import ApplicantStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def due_summary(context) -> dict:
    """To-do counts for the home widget (two queries)."""
    user = context["request"].user
    items = selectors.applicant_list_due(user=user, today=timezone.localdate())
    return {
        "total": len(items),
        "overdue": sum(1 for i in items if i.overdue),
        "kinds": [(k, label, n) for k, label, group in selectors.group_due_items(items) for n in [len(group)]],
    }


@register.simple_tag(takes_context=True)
def stage_summary(context) -> dict:
    """People in the pipeline per stage for the home widget (one query)."""
    user = context["request"].user
    return selectors.applicant_stage_counts(user=user, filters={"status": ApplicantStatus.ACTIVE})


@register.filter
def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"超期 {-days} 天"
    if days == 0:
        return "今天到期"
    return f"还有 {days} 天"
