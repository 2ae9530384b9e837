"""Snapshot retention: the newest versions of each restaurant stay, by count and by age,
and the history of what stays still says what changed."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import tasks
from restaurants import history, retention
from restaurants.models import Restaurant, Snapshot

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _restaurant(*days_ago):
    """A restaurant with one snapshot per age in `days_ago` (oldest first), its name
    "v1", "v2", ... in turn."""
    restaurant = Restaurant.objects.create(guid=uuid.uuid4())
    for version, age in enumerate(days_ago, start=1):
        Snapshot.objects.create(
            restaurant=restaurant,
            fetched_at=NOW - timedelta(days=age),
            sha256=f"{version:064}",
            payload={"general": {"name": f"v{version}"}},
        )
    return restaurant


def _names(restaurant):
    return [s.payload["general"]["name"] for s in restaurant.snapshots.all()]


def _prune(keep=100, days=365):
    return retention.prune(NOW, keep=keep, max_age=timedelta(days=days))


def test_a_restaurant_keeps_its_newest_versions_by_count():
    many = _restaurant(5, 4, 3, 2, 1)
    few = _restaurant(9, 8)
    assert _prune(keep=3) == 2
    assert _names(many) == ["v5", "v4", "v3"]
    assert _names(few) == ["v2", "v1"]


def test_versions_older_than_the_age_go_but_never_a_restaurants_newest():
    mixed = _restaurant(400, 366, 364, 1)
    stale = _restaurant(800, 500)  # not changed for years: what it looks like now stays
    assert _prune(days=365) == 3
    assert _names(mixed) == ["v4", "v3"]
    assert _names(stale) == ["v2"]


def test_versions_fetched_at_the_same_instant_are_ranked_newest_last_stored():
    restaurant = _restaurant(1, 1, 1)
    assert _prune(keep=1) == 2
    assert _names(restaurant) == ["v3"]


def test_the_history_still_says_what_changed_between_the_versions_kept():
    restaurant = _restaurant(40, 30, 20, 10)
    _prune(keep=3)
    entries = history.page(restaurant.snapshots.all(), 1).entries
    assert [[(c.path, c.before, c.after) for c in e.changes or []] for e in entries] == [
        [("general.name", "v3", "v4")],
        [("general.name", "v2", "v3")],
        [],  # the oldest kept is the first stored version now
    ]
    assert entries[-1].changes is None


def test_the_daily_prune_applies_the_settings(settings):
    settings.SNAPSHOT_RETENTION_COUNT = 2
    settings.SNAPSHOT_RETENTION_DAYS = 15
    by_count = _restaurant(3, 2, 1)
    by_age = _restaurant(20, 10)
    tasks.prune_history()
    assert _names(by_count) == ["v3", "v2"]
    assert _names(by_age) == ["v2"]


def test_keeping_no_version_at_all_is_refused():
    with pytest.raises(ValueError):
        _prune(keep=0)


def test_a_prune_of_many_restaurants_deletes_in_batches(monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 3)
    restaurants = [_restaurant(3, 2, 1) for _ in range(4)]
    assert _prune(keep=1) == 8
    assert Snapshot.objects.count() == 4
    assert all(_names(r) == ["v3"] for r in restaurants)
