from django.conf import settings
from django.core.checks import Error, register


@register()
def hotline_callback_is_signed(app_configs=None, **kwargs):
    """A callback URL without a secret would send unsigned (forgeable) feedback to the hotline."""
    if settings.HOTLINE_CALLBACK_URL and not settings.HOTLINE_CALLBACK_SECRET:
        return [
            Error(
                "HOTLINE_CALLBACK_URL is set but HOTLINE_CALLBACK_SECRET is empty.",
                hint="Set HOTLINE_CALLBACK_SECRET to the secret shared with the hotline.",
                id="notifications.E001",
            )
        ]
    return []
