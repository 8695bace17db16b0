"""The one place that decides what a user may see (scope → 404) and do (role → 403)."""

from __future__ import annotations

from enum import StrEnum
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Role


def visible_to(user, queryset_or_model) -> QuerySet:
    """Narrow a queryset (or a model's default manager) to the user's subtree."""
    qs = queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    return qs.visible_to(user)


def get_visible_or_404(user, queryset_or_model, **lookup: Any) -> Model:
    """Fetch one object inside the user's scope; anything else — missing or out of scope — is 404."""
    qs = visible_to(user, queryset_or_model)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("对象不存在或不在您的管辖范围内") from exc


def require_roles(user, *roles: str) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied("您的角色无权执行此操作")


def role_required(*roles: str):
    """View decorator: login checked by the view's own login_required; here the role → 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_roles(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- the one role vocabulary -------------------------------------------------------------------------
class Level(StrEnum):
    """The three tiers that act on a person: the branch, the upper committee, the organization department.
    A step is recorded at one level (``Step.actor``), a review tier is decided at one; a user acts at a
    level when their role is that level's or above it."""

    BRANCH = "branch"  # 党支部
    COMMITTEE = "committee"  # 上级党委 (党委/党工委)
    DEPARTMENT = "department"  # 县级党委组织部门

    @property
    def label(self) -> str:
        return {"branch": "党支部", "committee": "上级党委", "department": "县级党委组织部门"}[self.value]

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles that may act at this level."""
        return ROLES_AT[self]


ROLES_AT: dict[Level, tuple[str, ...]] = {
    Level.BRANCH: (Role.BRANCH_SECRETARY, Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF),
    Level.COMMITTEE: (Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF),
    Level.DEPARTMENT: (Role.DEPARTMENT_STAFF,),
}
READ_ROLES: tuple[str, ...] = tuple(Role.values)  # everyone with a role reads their subtree
WRITE_ROLES = ROLES_AT[Level.BRANCH]  # everyone but the read-only inspector
STAFF_ROLES = ROLES_AT[Level.COMMITTEE]  # committee and department staff
DEPARTMENT_ROLES = ROLES_AT[Level.DEPARTMENT]
OVERSIGHT_ROLES: tuple[str, ...] = (*STAFF_ROLES, Role.INSPECTOR)  # staff pages the inspector may read
# 档案抽查 (inspections): the inspector and the county organization department draw samples, record
# findings and close them; the branch fixes them (WRITE_ROLES).
INSPECT_ROLES: tuple[str, ...] = (Role.DEPARTMENT_STAFF, Role.INSPECTOR)


def may_act_at(user, level: Level) -> bool:
    """True for a system actor (None: import, seeding), a superuser, or a role of ``level``."""
    return user is None or user.has_role(*ROLES_AT[Level(level)])
