"""The portal against a mock generated from the platform's published OpenAPI files alone
(tests/integrations/simulator/openapi_mock.py), as a partner would first try it."""

import io

import pytest
from django.core.management import call_command

from integrations import platform
from integrations.models import SyncRun
from integrations.toast import errors
from restaurants.models import Connection, Restaurant
from tests.integrations.simulator.openapi_mock import ITEMS, OpenApiMock
from tests.platform import make_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mock(settings):
    with OpenApiMock.from_reference() as served:
        settings.TOAST_API_HOSTNAME = served.url
        platform.reset_clients()
        yield served
    platform.reset_clients()


def test_discovery_finishes_and_every_restaurant_is_refreshed(mock):
    out = io.StringIO()
    call_command("sync_restaurants", "--discover", "--all", stdout=out)
    discovery = SyncRun.objects.get(kind=SyncRun.Kind.DISCOVER)
    assert discovery.status == SyncRun.Status.FINISHED, discovery.error
    # The spec's array of pages is read; its example token names the same page again,
    # so the listing comes from the endpoint the guide's checklist names.
    assert discovery.source == "/partners/v1/restaurants"
    assert "again: the pages loop" in discovery.fallback_reason
    assert mock.served["GET /partners/v1/connectedRestaurants"] == 2
    assert mock.served["GET /restaurants/v1/groups/{managementGroupGUID}/restaurants"] == ITEMS
    refresh = SyncRun.objects.get(kind=SyncRun.Kind.REFRESH)
    assert (refresh.status, refresh.changed, refresh.failed) == ("finished", ITEMS, 0)
    connected = Connection.objects.connected().values_list("restaurant_id", flat=True)
    assert len(connected) == ITEMS
    stored = Restaurant.objects.filter(pk__in=list(connected)).exclude(content_sha256="")
    assert sorted(stored.values_list("time_zone", flat=True)) == ["America/New_York"] * ITEMS
    assert f"{ITEMS} changed" in out.getvalue()


def test_a_page_token_named_twice_ends_the_listing_as_malformed(mock):
    client = make_client(mock)
    with pytest.raises(errors.MalformedResponse, match="again: the pages loop"):
        list(client.connected_restaurants())
    assert mock.served["GET /partners/v1/connectedRestaurants"] == 2
