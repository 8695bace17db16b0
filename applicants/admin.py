from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessLog, Applicant, Assessment, Event, Material, StepRecord, Training


class NoDeleteMixin:
    """Evidence is never deleted, not even by a superuser: a mistake is corrected by a new, attributed
    record (a withdrawn material, a new event); the history stays."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepRecordInline(NoDeleteMixin, admin.TabularInline):
    model = StepRecord
    extra = 0
    can_delete = False
    fields = ("step", "date", "actor", "acting_org", "responsible", "outcome", "notes", "warnings")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(NoDeleteMixin, admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ("at", "kind", "step", "actor", "message")
    readonly_fields = fields
    ordering = ("-at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Applicant)
class ApplicantAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Read-mostly: pipeline state is written by the services (with rule checks), not here."""

    list_display = ("name", "gender", "branch", "status", "current_step", "applied_on", "last_step_on")
    list_filter = ("status", "current_step")
    search_fields = ("name", "id_number")
    list_select_related = ("branch",)
    raw_id_fields = ("branch", "household_org", "admitted_branch", "member", "created_by")
    readonly_fields = [
        f.name
        for f in Applicant._meta.fields
        if f.name
        not in {
            "name",
            "ethnicity",
            "education",
            "occupation",
            "frontline",
            "household_registration",
            "household_org",
            "phone",
            "is_league_member",
            "is_cadre_relative",
        }
    ]
    inlines = [StepRecordInline, EventInline]


@admin.register(Material)
class MaterialAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: materials are uploaded, withdrawn and replaced on the archive page (with a reason and
    an event); the stored file is not linked here (its download checks scope and is logged)."""

    list_display = (
        "applicant",
        "step",
        "kind",
        "original_name",
        "size",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
        "withdrawn_by",
    )
    list_filter = ("withdrawn_at",)
    search_fields = ("applicant__name", "kind", "original_name")
    fields = (
        "applicant",
        "step",
        "kind",
        "original_name",
        "size",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdraw_reason",
        "replaced_by",
    )
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("applicant", "date", "result", "actor")
    raw_id_fields = ("applicant", "actor")


@admin.register(Training)
class TrainingAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("applicant", "name", "start", "end", "days", "hours")
    raw_id_fields = ("applicant", "actor")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "user", "kind", "applicant", "what", "ip")
    list_filter = ("kind",)
    search_fields = ("user__username", "applicant__name", "what")
