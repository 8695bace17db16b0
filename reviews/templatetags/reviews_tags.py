from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.simple_tag
def review_panel_data(applicant):
    """Data for the applicant-page panel: ledger entries, opinions, checks and the responsibility chain."""
    summary = selectors.applicant_review_summary(applicant)
    return {**summary, "chain": selectors.responsibility_chain(applicant, entries=summary["entries"])}


@register.simple_tag
def review_queue_counts(user):
    q = selectors.approval_queue(user=user, today=timezone.localdate())
    return {
        "steps": sum(len(v) for v in q.steps.values()),
        "reviews": sum(len(v) for v in q.reviews.values()),
        "overdue": sum(1 for v in q.steps.values() for i in v if i.state != "ok"),
    }


@register.simple_tag
def branch_review_work(user, limit=None):
    """The branch's own 初审 and what came back from above (home widget, to-do panel)."""
    return selectors.branch_review_work(user=user, today=timezone.localdate(), limit=limit)


@register.filter
def percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
