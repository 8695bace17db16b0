from django.contrib import admin

from .models import FindingEvent, FindingItem, SpotCheck


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence of an inspection: written through the services (with events), read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ("township", "year", "population", "requested_size", "seed", "drawn_by", "drawn_at")
    list_filter = ("year", "population")


@admin.register(FindingItem)
class FindingItemAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "category", "status", "deadline", "created_by")
    list_filter = ("status", "category")


@admin.register(FindingEvent)
class FindingEventAdmin(ReadOnlyAdmin):
    list_display = ("finding", "action", "actor", "at")
