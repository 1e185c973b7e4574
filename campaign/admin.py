"""The campaign in the admin: campaigns with their action lines, the item tree, category links,
the Excel import of items; rounds, scores and briefings to read."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.forms import ImportForm
from campaign.importer import ImportRefused, import_items
from campaign.models import (
    ActionLine,
    AssessmentItem,
    Briefing,
    Campaign,
    CategoryLink,
    InspectionRound,
    Mark,
    Score,
)


class ActionLineInline(admin.TabularInline):
    model = ActionLine
    extra = 0
    autocomplete_fields = ["lead_unit"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active"]
    inlines = [ActionLineInline]
    readonly_fields = ["import_link"]

    @admin.display(description=gettext_lazy("assessment items"))
    def import_link(self, campaign: Campaign) -> str:
        if campaign.pk is None:
            return "—"
        url = reverse("admin:campaign_campaign_import_items", args=[campaign.pk])
        return format_html('<a href="{}">{}</a>', url, _("Import from an Excel sheet"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-items/",
                self.admin_site.admin_view(self.import_view),
                name="campaign_campaign_import_items",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk: int):
        """Import the campaign's assessment items from an Excel sheet (validated whole first)."""
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_change_permission(request, campaign):
            return redirect("admin:index")
        errors = []
        form = ImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    result = import_items(actor=request.user, campaign=campaign, upload=form.cleaned_data["workbook"])
                except ImportRefused as refused:
                    errors = refused.errors
                else:
                    self.message_user(
                        request,
                        _("Imported: %(created)s items created, %(updated)s updated, %(links)s category links.")
                        % {"created": result.created, "updated": result.updated, "links": result.links},
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:campaign_assessmentitem_changelist") + f"?campaign__id__exact={pk}")
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import assessment items"),
            "campaign": campaign,
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "campaign/admin_import.html", context, status=status)


@admin.register(AssessmentItem)
class AssessmentItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "method", "weight", "action_line", "campaign"]
    list_filter = ["campaign", "method", "action_line"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["campaign", "sort_order", "code"]


@admin.register(CategoryLink)
class CategoryLinkAdmin(admin.ModelAdmin):
    list_display = ["category", "item", "action_line", "campaign"]
    list_filter = ["campaign", "action_line"]
    autocomplete_fields = ["item"]


class MarkInline(admin.TabularInline):
    model = Mark
    extra = 0
    can_delete = False
    fields = ["item", "result", "note", "carried_over", "marked_by", "marked_at", "finding"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionRound)
class InspectionRoundAdmin(admin.ModelAdmin):
    list_display = ["community", "on", "kind", "state", "score", "follow_up_of"]
    list_filter = ["state", "kind", "campaign"]
    readonly_fields = ["state", "score", "closed_at", "closed_by", "started_by", "started_at", "follow_up_of"]
    inlines = [MarkInline]

    def has_add_permission(self, request):
        return False  # rounds start from the rounds page, with their checklist


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["street", "community", "on", "value", "round"]
    list_filter = ["campaign", "street"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["day", "district", "street", "made_at"]
    list_filter = ["day"]
    readonly_fields = ["day", "district", "street", "workbook", "made_at"]
    exclude = ["html"]

    def has_add_permission(self, request):
        return False
