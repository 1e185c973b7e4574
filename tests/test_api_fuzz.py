"""The API fuzzed from its own OpenAPI schema: no request gets a server error, every answer is as documented.

schemathesis reads ``/api/v1/schema/`` from the WSGI application and generates requests for every
operation, valid and invalid, a bounded number each (``FUZZ_EXAMPLES``, default 25), as street
staff (a session, with its CSRF token) and, on the hotline's endpoints, with a hotline key. The
two checks are schemathesis's ``not_a_server_error`` and ``response_schema_conformance``. What they
find is fixed in the code, never by loosening the schema.
"""

import os

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from accounts.models import ApiKey
from tests.factories import FindingFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CSRF = "f" * 32


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(geo, category, street_staff):
    """Headers of a logged-in street staff member, and a hotline key; some findings to act on."""
    from importlib import import_module

    for status in ("dispatched", "rectifying", "submitted", "closed"):
        FindingFactory(grid_cell=geo.cell, category=category, status=status)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(street_staff.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = street_staff.get_session_auth_hash()
    store.save()
    _row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    return {
        "session": {"headers": {"X-CSRFToken": CSRF}, "cookies": {"sessionid": store.session_key, "csrftoken": CSRF}},
        "hotline": {"headers": {"Authorization": f"Api-Key {key}"}},
    }


def _fuzz(operation, mode, auth: dict, failures: list) -> None:
    """Run ``EXAMPLES`` generated requests of one operation; record the first failure, if any."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Each request in a savepoint undone afterwards: every example starts from the same data,
        # and a failing one cannot spoil the transaction for the next.
        with transaction.atomic():
            response = case.call(**auth)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{response.status_code} {case.as_curl_command()}"
        # response_schema_conformance: an answer of a documented status matches its schema.
        case.operation.validate_response(response, case=case)

    try:
        run()
    except Exception as exc:  # collected, so that one run reports every operation that fails
        failures.append(f"{operation.label} ({mode.value}): {exc}")


def test_every_api_answer_is_no_server_error_and_matches_the_schema(api_schema, fuzz_headers):
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20  # the whole API was read, not an empty schema
    for operation in operations:
        auth = fuzz_headers["hotline" if operation.path.startswith("/api/v1/hotline/") else "session"]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, auth, failures)
    assert failures == [], "\n\n".join(failures)
