"""When each restaurant first reached each point of onboarding, kept on the restaurant
for the metrics: set by every stage move, rebuilt from the history by `refresh`."""

import datetime
import uuid

import pytest
from django.utils import timezone

from restaurants import milestones, stages
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Stage, StageChange
from tests.restaurants.test_stages import partner_event, payload

pytestmark = pytest.mark.django_db


def advance(moves, at):
    """The milestones' assignments applied as stages._apply applies them."""
    guids = {guid for guid, _ in moves}
    Restaurant.objects.filter(pk__in=guids).update(**milestones.assignments(moves, at))


def first_change(guid, stage):
    return StageChange.objects.filter(restaurant_id=guid, to_stage=stage).order_by("at").first()


def test_each_milestone_is_the_first_time_its_point_was_reached():
    guid = str(uuid.uuid4())
    partner_event(guid)
    apply_restaurant_info(payload(guid, **{"onlineOrdering.enabled": False}))
    apply_restaurant_info(payload(guid))
    restaurant = Restaurant.objects.get(pk=guid)
    stages.move(restaurant, Stage.LIVE, by=None)
    first_live = first_change(guid, Stage.LIVE).at
    # Removed and connected again: back to Live, which it had reached before.
    partner_event(guid, removed=True, seconds=1)
    partner_event(guid, seconds=2)
    assert Restaurant.objects.get(pk=guid).stage == Stage.LIVE
    assert StageChange.objects.filter(restaurant_id=guid, to_stage=Stage.LIVE).count() == 2
    kept = Restaurant.objects.get(pk=guid)
    connected = first_change(guid, Stage.CONNECTED).at
    assert kept.onboarding_started_at == connected == kept.reached_connected_at
    assert kept.reached_data_received_at == first_change(guid, Stage.DATA_RECEIVED).at
    assert kept.reached_in_review_at == first_change(guid, Stage.IN_REVIEW).at
    assert kept.reached_live_at == first_live
    assert kept.time_to_live == first_live - connected


def test_a_prospect_and_a_restaurant_that_never_went_live_have_no_such_instants():
    prospect = str(uuid.uuid4())
    apply_restaurant_info(payload(prospect))
    connected = str(uuid.uuid4())
    partner_event(connected)
    for guid in (prospect, connected):
        kept = Restaurant.objects.get(pk=guid)
        assert (kept.reached_live_at, kept.time_to_live) == (None, None)
    assert Restaurant.objects.get(pk=prospect).onboarding_started_at is None
    assert Restaurant.objects.get(pk=connected).onboarding_started_at is not None


def test_refresh_rebuilds_them_from_the_recorded_history():
    """What the migration does for the restaurants that had stage changes already."""
    now = timezone.now()
    made = Restaurant.objects.create(guid=uuid.uuid4(), stage=Stage.LIVE)
    history = [
        (Stage.CONNECTED, 30),
        (Stage.IN_REVIEW, 20),
        (Stage.LIVE, 10),
        (Stage.REMOVED, 5),
        (Stage.LIVE, 2),
    ]
    StageChange.objects.bulk_create(
        StageChange(restaurant=made, to_stage=stage, at=now - datetime.timedelta(days=days))
        for stage, days in history
    )
    untouched = Restaurant.objects.create(guid=uuid.uuid4())
    assert milestones.refresh(Restaurant.objects.all()) == 2
    kept = Restaurant.objects.get(pk=made.pk)
    assert kept.onboarding_started_at == now - datetime.timedelta(days=30)
    assert kept.reached_data_received_at is None  # it skipped that step
    assert kept.reached_live_at == now - datetime.timedelta(days=10)
    assert kept.time_to_live == datetime.timedelta(days=20)
    assert Restaurant.objects.get(pk=untouched.pk).onboarding_started_at is None


FIELDS = [milestones.STARTED, *milestones.FUNNEL.values(), "time_to_live"]


def kept_milestones():
    return list(Restaurant.objects.order_by("pk").values_list("pk", *FIELDS))


def test_what_each_move_keeps_is_what_the_history_rebuilds():
    """The moves keep the milestones as they go (`assignments`); rebuilt from the recorded
    history (`refresh`) they are the same."""
    for n in range(3):
        guid = str(uuid.uuid4())
        partner_event(guid)
        apply_restaurant_info(payload(guid, **{"onlineOrdering.enabled": n > 0}))
        if n:
            stages.move(Restaurant.objects.get(pk=guid), Stage.LIVE, by=None)
            partner_event(guid, removed=True, seconds=1)
            partner_event(guid, seconds=2)
    kept = kept_milestones()
    assert sum(1 for row in kept if row[-1] is not None) == 2  # two went live
    milestones.refresh(Restaurant.objects.all())
    assert kept_milestones() == kept


def test_a_move_keeps_the_earliest_instant_whichever_arrives_first():
    """Workers on several machines: a move stamped earlier than the one kept (a clock
    behind) replaces it, a later one does not."""
    guid = str(uuid.uuid4())
    partner_event(guid)
    now = timezone.now()
    advance([(guid, Stage.LIVE)], now)
    advance([(guid, Stage.LIVE)], now + datetime.timedelta(hours=1))
    assert Restaurant.objects.get(pk=guid).reached_live_at == now
    advance([(guid, Stage.LIVE)], now - datetime.timedelta(minutes=1))
    kept = Restaurant.objects.get(pk=guid)
    assert kept.reached_live_at == now - datetime.timedelta(minutes=1)
    assert kept.time_to_live == kept.reached_live_at - kept.onboarding_started_at
