"""Object permissions (django-rules). Scope is checked by ``visible_to``; these add the role."""

import rules

from .models import Role


@rules.predicate
def is_branch_secretary(user):
    return getattr(user, "role", None) == Role.BRANCH_SECRETARY


@rules.predicate
def is_committee_staff(user):
    return getattr(user, "role", None) == Role.COMMITTEE_STAFF


@rules.predicate
def is_department_staff(user):
    return getattr(user, "role", None) == Role.DEPARTMENT_STAFF


@rules.predicate
def is_inspector(user):
    return getattr(user, "role", None) == Role.INSPECTOR


@rules.predicate
def in_scope(user, obj):
    """True when obj (an Organization, or anything with ``organization``/``branch``) is in the
    user's subtree; True when no object is given (list-level check)."""
    if obj is None:
        return True
    if user.is_superuser:
        return True
    org = getattr(obj, "path", None) and obj
    org = org or getattr(obj, "branch", None) or getattr(obj, "organization", None)
    return user.can_see(org)


is_staff_role = is_committee_staff | is_department_staff
can_read = rules.is_authenticated & (is_branch_secretary | is_staff_role | is_inspector | rules.is_superuser)

rules.add_perm("recruitment.view_organization", can_read & in_scope)
rules.add_perm("recruitment.import_organizations", is_department_staff | rules.is_superuser)
rules.add_perm("recruitment.view_partymember", can_read & in_scope)
rules.add_perm("recruitment.change_partymember", (is_branch_secretary | is_staff_role | rules.is_superuser) & in_scope)
