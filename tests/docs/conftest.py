import uuid

import pytest

from portal.staff_group import ensure_onboarding_group
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant
from tests.payloads import load_payload, with_change


@pytest.fixture
def staff_user(django_user_model):
    """A member of the "Onboarding staff" group."""
    user = django_user_model.objects.create_user("onboarder", password="pw", is_staff=True)
    user.groups.add(ensure_onboarding_group())
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def plain_client(client, django_user_model):
    """Signed in, but not staff."""
    client.force_login(django_user_model.objects.create_user("guest", password="pw"))
    return client


def stored(payload, *, connected=True):
    """The restaurant a payload makes, with a connection unless told otherwise."""
    outcome = apply_restaurant_info(payload)
    assert outcome.ok, outcome.error
    restaurant = Restaurant.objects.get(pk=outcome.guid)
    if connected is not None:
        Connection.objects.create(
            restaurant=restaurant,
            status=Connection.Status.CONNECTED if connected else Connection.Status.REMOVED,
        )
    return restaurant


def variant(name, **changes):
    """A fixture payload under a new GUID, with dotted-path changes."""
    payload = with_change(load_payload(name), "guid", str(uuid.uuid4()))
    for path, value in changes.items():
        payload = with_change(payload, path.replace("__", "."), value)
    return payload


@pytest.fixture
def full_restaurant(db):
    return stored(load_payload("restaurant_full"))


@pytest.fixture
def sparse_restaurant(db):
    return stored(load_payload("restaurant_sparse"))
