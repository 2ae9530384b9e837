"""The fixtures of every test, in one plugin (tests/conftest.py loads it).

- `simulator`: a platform simulator per test module, over loopback; a module
  sets `SIMULATOR_CONFIG` for other sizes or limits. `sim` is the same one with
  faults off, the reference's shapes, tokens revoked and counters at zero;
  `toast` a client wired to it; `api` a logged-in requests session for it.
- `staff_user` (onboarding staff), `staff_client` signed in as them,
  `plain_client` signed in but not staff.
- `full` (the full payload, connected, returned as the payload),
  `full_restaurant` and `sparse_restaurant` (the stored restaurants).
- `broker`: the test's queue, empty before and after.
- `no_drain_queued`: no webhook drain marked queued or running, as the test's
  empty queue has none (the cache outlives a flushed database and a purged queue).
- `onboarding` (the sparse restaurant in review, its checklist incomplete, connected
  ten days ago, with one contact).
"""

import pytest
import requests
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from django_q.brokers import get_broker

from integrations import platform
from integrations.sync import webhook_events
from portal.staff_group import ensure_onboarding_group
from restaurants import stages
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Contact
from tests.payloads import load_payload
from tests.platform import control, login, make_client, running_simulator
from tests.stored import connect, stored

SIMULATOR_CONFIG = {"restaurants": 12, "groups": 3}


@pytest.fixture(scope="module")
def simulator(request):
    with running_simulator(**getattr(request.module, "SIMULATOR_CONFIG", SIMULATOR_CONFIG)) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The module's simulator, with faults off, the reference's shapes, tokens revoked
    and counters at zero."""
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})
    control(simulator, "POST", "tokens/revoke")
    control(simulator, "POST", "stats/reset")
    cache.clear()
    yield simulator
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})


@pytest.fixture
def toast(sim, settings):
    settings.TOAST_API_HOSTNAME = sim.url
    platform.reset_clients()
    yield make_client(sim)
    platform.reset_clients()


@pytest.fixture
def api(simulator):
    """A logged-in requests session for the module's simulator, with faults off and
    the reference's shapes."""
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})
    session = requests.Session()
    token = login(simulator.url, simulator.client_id, simulator.client_secret)
    session.headers["Authorization"] = f"Bearer {token}"
    yield session
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})


@pytest.fixture
def staff_user(db):
    user = User.objects.create_user("olivia", password="pw", is_staff=True)
    user.groups.add(ensure_onboarding_group())  # a transactional test may have flushed it
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


@pytest.fixture
def full(db):
    """The full fixture, connected, with the connection's own fields."""
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    connect(
        payload["guid"],
        restaurant_name="Café",
        external_restaurant_ref="store-42",
        management_group_guid=payload["general"]["managementGroupGuid"],
    )
    return payload


@pytest.fixture
def full_restaurant(db):
    return stored(load_payload("restaurant_full"))


@pytest.fixture
def sparse_restaurant(db):
    return stored(load_payload("restaurant_sparse"))


@pytest.fixture
def onboarding(sparse_restaurant):
    connected = timezone.now() - timezone.timedelta(days=10)
    Connection.objects.filter(restaurant=sparse_restaurant).update(connected_at=connected)
    stages.follow_platform([sparse_restaurant.pk])
    Contact.objects.create(
        restaurant=sparse_restaurant, name="Rosa", email="rosa@example.com", source="partner"
    )
    sparse_restaurant.refresh_from_db()
    return sparse_restaurant


@pytest.fixture
def no_drain_queued(db):
    cache.delete_many([webhook_events.QUEUED_KEY, webhook_events.LOCK_KEY])


@pytest.fixture
def broker():
    broker = get_broker()
    broker.purge_queue()
    yield broker
    broker.purge_queue()
