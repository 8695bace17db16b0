"""The one place that decides what a user may see (scope → 404) and do (role → 403)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
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


class RoleRequiredMixin(LoginRequiredMixin):
    allowed_roles: tuple[str, ...] = tuple(Role.values)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_roles(request.user, *self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)


WRITE_ROLES_BRANCH = (Role.BRANCH_SECRETARY, Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF)
STAFF_ROLES = (Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF)
