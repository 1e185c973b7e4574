from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaign")

    def ready(self) -> None:
        # A category's group (Open311's services, ...) is its action line in the active campaign.
        from campaign.models import action_line_names
        from inspections import groups

        groups.provide(action_line_names)
