import uuid

import pytest
from django.contrib.auth.models import User

from portal.staff_group import ensure_onboarding_group
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection
from tests.payloads import load_payload


@pytest.fixture
def onboarding_user(db):
    user = User.objects.create_user("olivia", password="pw", is_staff=True)
    user.groups.add(ensure_onboarding_group())  # a transactional test may have flushed it
    return user


@pytest.fixture
def staff_client(client, onboarding_user):
    client.force_login(onboarding_user)
    return client


@pytest.fixture
def full(db):
    """The full fixture, connected."""
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    Connection.objects.create(
        restaurant_id=payload["guid"],
        restaurant_name="Café",
        external_restaurant_ref="store-42",
        management_group_guid=payload["general"]["managementGroupGuid"],
    )
    return payload


def make_restaurant(**general):
    """Another connected restaurant from the full fixture, with a new GUID and name."""
    payload = load_payload("restaurant_full")
    payload["guid"] = str(uuid.uuid4())
    payload["general"].update(general)
    apply_restaurant_info(payload)
    Connection.objects.create(restaurant_id=payload["guid"])
    return payload
