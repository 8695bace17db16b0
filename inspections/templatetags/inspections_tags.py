from django import template
from django.utils import timezone

from recruitment.scope import WRITE_ROLES

from ..selectors import finding_counts, findings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def finding_summary(context):
    """Open / fixed / overdue findings in the user's scope (the home page widget). One query."""
    return finding_counts(user=context["request"].user, today=timezone.localdate())


@register.simple_tag(takes_context=True)
def applicant_findings(context, applicant):
    """The unresolved findings on one person (the archive page panel). One query."""
    user = context["request"].user
    return {
        "findings": list(findings_for(user=user, status="unresolved", applicant_id=applicant.pk)),
        "today": timezone.localdate(),
        "may_fix": user.has_role(*WRITE_ROLES),
    }


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)
