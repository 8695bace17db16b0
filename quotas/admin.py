from django.contrib import admin

from .models import AllocationChange, AnnualPlan, PlanAllocation, RatioRule, RatioRuleSet


class PlanAllocationInline(admin.TabularInline):
    model = PlanAllocation
    fk_name = "plan"
    raw_id_fields = ("org", "source", "updated_by")
    extra = 0


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ("year", "org", "total", "updated_by", "updated_at")
    list_filter = ("year",)
    raw_id_fields = ("org", "updated_by")
    inlines = [PlanAllocationInline]


@admin.register(AllocationChange)
class AllocationChangeAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ("at", "plan", "kind", "org", "old_amount", "new_amount", "reason", "actor")
    list_filter = ("kind", "plan__year")
    search_fields = ("org__name", "org__code", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RatioRuleInline(admin.TabularInline):
    model = RatioRule
    extra = 0


@admin.register(RatioRuleSet)
class RatioRuleSetAdmin(admin.ModelAdmin):
    list_display = ("year", "org", "reserve_applicants", "reserve_activists", "reserve_members", "updated_by")
    list_filter = ("year",)
    raw_id_fields = ("org", "updated_by")
    inlines = [RatioRuleInline]
