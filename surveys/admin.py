"""Questionnaires, their questions and options, and rounds with their communities, in the admin."""

from django.contrib import admin

from surveys.models import Option, Question, Questionnaire, Response, RoundCommunity, SurveyRound


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "kind", "text", "required", "measure"]
    show_change_link = True


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "created_at"]
    list_filter = ["campaign"]
    search_fields = ["title"]
    inlines = [QuestionInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["order", "key", "text", "positive"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "order", "text", "kind", "measure", "required"]
    list_filter = ["questionnaire", "kind", "measure"]
    search_fields = ["text"]
    inlines = [OptionInline]


class RoundCommunityInline(admin.TabularInline):
    model = RoundCommunity
    extra = 1
    autocomplete_fields = ["community"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "starts_on", "ends_on"]
    list_filter = ["questionnaire__campaign"]
    search_fields = ["title"]
    inlines = [RoundCommunityInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read only: responses come from the door-to-door page and the API."""

    list_display = ["client_id", "round", "community", "grid_cell", "answered_at"]
    list_filter = ["round"]
    readonly_fields = [
        "round",
        "client_id",
        "grid_cell",
        "community",
        "street",
        "interviewer",
        "answered_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
