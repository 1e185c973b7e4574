"""Open311 keys: issued with the source their reports count as, and that source's values."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from accounts.models import ApiKey
from inspections.models import Finding
from tests.open311.conftest import file


def issue(*args: str) -> str:
    out = io.StringIO()
    call_command("issue_api_key", *args, stdout=out)
    return out.getvalue().splitlines()[-1]


def test_the_key_sources_are_finding_sources():
    assert set(ApiKey.Source.values) <= set(Finding.Source.values)


@pytest.mark.parametrize(("args", "source"), [((), "snapshot"), (("--source", "hotline"), "hotline")])
def test_issue_api_key_makes_an_open311_key_that_files_as_its_source(client, geo, category, args, source):
    key = issue("--name", "泉城随手拍", "--scope", "open311", "--district", "370103", *args)
    row = ApiKey.objects.get_from_key(key)
    assert (row.scope, row.source, row.district) == ("open311", source, geo.district)
    assert file(client, key).status_code == 201
    assert Finding.objects.get().source == source


def test_only_an_open311_key_takes_a_source(db):
    with pytest.raises(CommandError):
        issue("--name", "12345", "--scope", "hotline", "--source", "snapshot")
    assert not ApiKey.objects.exists()


def test_the_database_insists_on_a_source_for_open311_keys_only(db):
    with pytest.raises(IntegrityError):
        ApiKey.objects.create_key(name="x", scope="open311", source="")


def test_the_database_refuses_a_source_on_a_hotline_key(db):
    with pytest.raises(IntegrityError):
        ApiKey.objects.create_key(name="x", scope="hotline", source="snapshot")
