from django.contrib import admin

from .models import (
    CadreRelativeApproval,
    DepartmentOpinion,
    HouseholdOpinion,
    LedgerEntry,
    NegativeListCheck,
    NegativeListHit,
    NegativeListItem,
    ReviewDecision,
    ReviewDepartment,
)


class NoDeleteMixin:
    """Referenced by opinions and hits (evidence): retired with ``is_active``, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewDepartment)
class ReviewDepartmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "order", "in_joint_review", "is_active")
    list_editable = ("order", "in_joint_review", "is_active")


@admin.register(NegativeListItem)
class NegativeListItemAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("number", "article", "title", "is_active")
    list_filter = ("is_active",)
    search_fields = ("article", "title", "description")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions, opinions and checks are written by the services only and never edited. An opinion's
    file is not shown here: it downloads through the scope-checked, logged page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(NoDeleteMixin, admin.TabularInline):
    model = ReviewDecision
    extra = 0
    can_delete = False
    readonly_fields = ("tier", "verdict", "reason", "reviewer", "decided_on", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "year", "status", "tier", "waiting_since", "submitted_by")
    list_filter = ("year", "status", "tier")
    search_fields = ("applicant__name", "applicant__branch__name")
    inlines = [DecisionInline]


@admin.register(DepartmentOpinion)
class DepartmentOpinionAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "purpose", "department", "verdict", "given_on", "original_name", "recorded_by")
    exclude = ("file",)
    list_filter = ("purpose", "department", "verdict")
    search_fields = ("applicant__name",)


@admin.register(HouseholdOpinion)
class HouseholdOpinionAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "organization_name", "verdict", "given_on", "original_name", "recorded_by")
    exclude = ("file",)


@admin.register(CadreRelativeApproval)
class CadreRelativeApprovalAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "relation", "approved", "document_no", "decided_on", "recorded_by")


@admin.register(NegativeListCheck)
class NegativeListCheckAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "checked_on", "items_checked", "hit_count", "checked_by")


@admin.register(NegativeListHit)
class NegativeListHitAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "item", "found_on", "recorded_by", "revoked_at", "revoked_by")
    list_filter = ("item",)
