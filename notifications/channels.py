"""Delivery channels. Each takes one notification and raises on failure (the outbox retries)."""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Chuangcheng-Signature"


class DeliveryError(Exception):
    """The channel could not deliver now; the outbox will try again later."""


class SmsBackend:
    """The interface of an SMS / WeCom gateway: ``send(phone, text)`` raises on failure."""

    def send(self, *, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes messages to the log; the default until a real gateway is configured."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sign(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact request body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_in_app(notification) -> None:
    """Nothing to send: the row itself is the message in the person's bell."""


def deliver_email(notification) -> None:
    recipient = notification.recipient
    if not recipient.email:
        raise DeliveryError("the recipient has no email address")
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
    send_mail(notification.subject, body, None, [recipient.email], fail_silently=False)


def deliver_sms(notification) -> None:
    phone = notification.recipient.phone
    if not phone:
        raise DeliveryError("the recipient has no mobile phone number")
    sms_backend().send(phone=phone, text=f"{notification.subject} {notification.body}".strip())


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is no acceptance: urllib would follow a 301/302/303 with a GET that drops the body,
    and the 200 of the page it lands on would mark the callback delivered. It fails instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_callback_opener = urllib.request.build_opener(_RefuseRedirects)


def deliver_callback(notification) -> None:
    """POST the JSON payload to the target URL, signed; any non-2xx answer is a failure."""
    if not notification.target:
        raise DeliveryError("no callback URL is configured")
    body = json.dumps(notification.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configured endpoint
        notification.target,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(body, settings.HOTLINE_CALLBACK_SECRET),
            "Idempotency-Key": notification.idempotency_key,
        },
    )
    try:
        with _callback_opener.open(request, timeout=settings.CALLBACK_TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise DeliveryError(f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(str(exc)) from exc


DELIVER = {
    "in_app": deliver_in_app,
    "email": deliver_email,
    "sms": deliver_sms,
    "callback": deliver_callback,
}
