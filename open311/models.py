"""The Open311 face's own data: a category's extra questions, and what a client said when filing.

A category is an Open311 *service*; its ``ServiceAttribute`` rows are the questions a client asks
before filing (``GET services/{code}``). A ``ServiceRequest`` sits beside each finding filed
through Open311 and keeps what the finding has no place for: the key that filed it, its token,
the answers, and the requester's contact details, which are never shown by a public read.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey
from inspections.models import Category, Finding


class ServiceAttribute(models.Model):
    """One extra question of a category (GeoReport v2 ``attribute``)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("a line of text")
        NUMBER = "number", _("a number")
        DATETIME = "datetime", _("a date and time")
        TEXT = "text", _("text")
        SINGLE = "singlevaluelist", _("one of a list")
        MULTIPLE = "multivaluelist", _("several of a list")

    LISTS = (Datatype.SINGLE, Datatype.MULTIPLE)

    category = models.ForeignKey(
        Category, models.CASCADE, related_name="open311_attributes", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("answer type"), max_length=20, choices=Datatype.choices)
    datatype_description = models.CharField(_("how to answer"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # False: the "attribute" only tells the client something (shown with the question), nothing is asked.
    variable = models.BooleanField(_("asks for an answer"), default=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["category", "order"]
        verbose_name = _("service question")
        verbose_name_plural = _("service questions")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_serviceattribute_unique_code"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_serviceattribute_unique_order"),
            # GeoReport v2: "any positive integer not used for other attributes in the same service".
            models.CheckConstraint(condition=Q(order__gt=0), name="open311_serviceattribute_order_positive"),
            # Information only ("variable" false) cannot be required.
            models.CheckConstraint(
                condition=Q(variable=True) | Q(required=False), name="open311_serviceattribute_required_is_variable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code}"


class AttributeValue(models.Model):
    """One option of a list question (``values/value`` with ``key`` and ``name``)."""

    attribute = models.ForeignKey(ServiceAttribute, models.CASCADE, related_name="values", verbose_name=_("question"))
    key = models.CharField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["attribute", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["attribute", "key"], name="open311_attributevalue_unique_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"


class ServiceRequest(models.Model):
    """What an Open311 client sent with a finding it filed. Private: public reads show none of it
    but ``media_url``; the contact details are for the officials (the admin) alone."""

    finding = models.OneToOneField(Finding, models.CASCADE, related_name="open311_request", verbose_name=_("finding"))
    api_key = models.ForeignKey(ApiKey, models.PROTECT, related_name="+", verbose_name=_("API key"))
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    account_id = models.CharField(_("account"), max_length=64, blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    email = models.EmailField(_("email"), blank=True)
    first_name = models.CharField(_("first name"), max_length=50, blank=True)
    last_name = models.CharField(_("last name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # Answers to the category's questions: {code: "value"} or {code: ["value", ...]} for several.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return str(self.token)
