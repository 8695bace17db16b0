from django import template
from django.db.models import Count

from jobs.stale import stale_latest_scan

register = template.Library()


@register.simple_tag(takes_context=True)
def stale_counts(context) -> dict:
    """Red/watch counts of the latest scan in the user's subtree (for the home widget)."""
    user = context["request"].user
    scan = stale_latest_scan()
    if scan is None:
        return {"scan": None}
    counts = dict(scan.flags.visible_to(user).values_list("level").annotate(n=Count("pk")).order_by())
    return {"scan": scan, "red": counts.get("red", 0), "watch": counts.get("watch", 0)}
