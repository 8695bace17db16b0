from django import template
from django.utils import timezone

from quotas.selectors import compliance_for_year

register = template.Library()


@register.inclusion_tag("quotas/widgets/_shares_card.html", takes_context=True)
def quota_home_shares(context):
    """The year's sector shares of the user's subtree, failing ones marked."""
    user = context["request"].user
    org = user.organization
    if org is None:
        return {"compliance": None}
    return {"compliance": compliance_for_year(org=org, year=timezone.localdate().year)}


@register.filter
def pct(value, digits=1):
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"
