from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodConfig(AppConfig):
    name = "neighbourhood"
    verbose_name = _("15-minute life circle")
