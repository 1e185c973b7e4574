"""The demo's Open311 questions: made once, shown by the service definitions."""

import io

import pytest
from django.core.management import call_command

from open311.models import AttributeValue, ServiceAttribute

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--password", "demo-pass-2020", stdout=io.StringIO())


def test_the_demo_asks_questions_of_some_categories_and_seeding_again_changes_nothing(client):
    seed()
    counts = (ServiceAttribute.objects.count(), AttributeValue.objects.count())
    assert counts[0] >= 4
    seed()
    assert (ServiceAttribute.objects.count(), AttributeValue.objects.count()) == counts
    services = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}
    assert services["exposed-garbage"]["metadata"] is True
    assert services["illegal-ads"]["metadata"] is False
    definition = client.get("/open311/v2/services/broken-facility.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["facility", "since"]
