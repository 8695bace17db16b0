from django import template
from django.utils import timezone

from documents.selectors import notice_stages

register = template.Library()


@register.simple_tag
def publicity_notice_stages(applicant) -> list[tuple[str, str]]:
    """(stage, label) of the 公示 notices this person has (``documents.selectors.notice_stages``)."""
    from applicants.models import Publicity

    labels = dict(Publicity.Stage.choices)
    return [(s, labels[s]) for s in notice_stages(applicant=applicant, today=timezone.localdate())]
