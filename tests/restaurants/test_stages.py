"""Stages: what the platform's facts move, what staff decide, and what is recorded."""

import datetime
import uuid

import pytest
from django.utils import timezone

from integrations.sync.lifecycle import Moment, apply_partner_record
from restaurants import stages, timeline
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Contact, Restaurant, Stage, StageChange, TimelineEntry
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db


def partner_event(guid, *, removed=False, seconds=0, **record):
    moment = Moment(timezone.now() + datetime.timedelta(seconds=seconds))
    return apply_partner_record(
        {"restaurantGuid": guid, "restaurantName": "Cafe", **record}, moment=moment, removed=removed
    )


def payload(guid, **changes):
    data = with_change(load_payload("restaurant_full"), "guid", guid)
    for path, value in changes.items():
        data = with_change(data, path, value)
    return data


def stage_of(guid):
    return Restaurant.objects.get(pk=guid).stage


def path_of(guid):
    changes = StageChange.objects.filter(restaurant_id=guid).order_by("at", "id")
    return [change.to_stage for change in changes]


def test_the_platform_moves_a_restaurant_from_connection_to_data():
    guid = str(uuid.uuid4())
    partner_event(guid, createdByEmailAddress="manager@example.com")
    assert stage_of(guid) == Stage.CONNECTED
    assert apply_restaurant_info(payload(guid)).ok
    # The full fixture completes the checklist: data received, waiting for a decision.
    assert stage_of(guid) == Stage.DATA_RECEIVED
    assert path_of(guid) == [Stage.CONNECTED, Stage.DATA_RECEIVED]
    assert Contact.objects.get(restaurant_id=guid).email == "manager@example.com"
    kinds = set(TimelineEntry.objects.filter(restaurant_id=guid).values_list("kind", flat=True))
    assert kinds == {TimelineEntry.Kind.PLATFORM, TimelineEntry.Kind.STAGE}


def test_an_incomplete_checklist_keeps_a_restaurant_in_review():
    guid = str(uuid.uuid4())
    partner_event(guid)
    apply_restaurant_info(payload(guid, **{"onlineOrdering.enabled": False}))
    assert stage_of(guid) == Stage.IN_REVIEW
    assert path_of(guid) == [Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW]
    # Complete now: it stays in review, going live is a person's decision.
    apply_restaurant_info(payload(guid))
    assert stage_of(guid) == Stage.IN_REVIEW


def test_a_regression_after_a_sync_is_on_the_timeline_and_moves_back_to_review():
    guid = str(uuid.uuid4())
    partner_event(guid)
    apply_restaurant_info(payload(guid))
    apply_restaurant_info(payload(guid, **{"onlineOrdering.enabled": False}))
    flip = TimelineEntry.objects.get(restaurant_id=guid, kind=TimelineEntry.Kind.CHECKLIST)
    assert flip.action == "undone"
    assert flip.details == {"item": "online-ordering"}
    assert stage_of(guid) == Stage.IN_REVIEW


def test_a_removal_moves_any_stage_to_removed_and_a_reconnection_brings_it_back():
    guid = str(uuid.uuid4())
    partner_event(guid)
    apply_restaurant_info(payload(guid))
    restaurant = Restaurant.objects.get(pk=guid)
    stages.move(restaurant, Stage.LIVE, by=None)
    partner_event(guid, removed=True, seconds=1)
    assert stage_of(guid) == Stage.REMOVED
    partner_event(guid, seconds=2)
    assert stage_of(guid) == Stage.LIVE
    assert path_of(guid)[-3:] == [Stage.LIVE, Stage.REMOVED, Stage.LIVE]


def test_a_prospect_stays_a_prospect_until_it_connects():
    guid = str(uuid.uuid4())
    assert apply_restaurant_info(payload(guid)).ok  # a group's restaurant, not connected
    assert stage_of(guid) == Stage.PROSPECT
    assert path_of(guid) == []


@pytest.fixture
def in_review():
    guid = str(uuid.uuid4())
    partner_event(guid)
    apply_restaurant_info(payload(guid, **{"onlineOrdering.enabled": False}))
    return Restaurant.objects.select_related("connection").get(pk=guid)


def test_going_live_with_an_incomplete_checklist_needs_an_override_and_a_reason(
    in_review, staff_user
):
    with pytest.raises(stages.StageError, match="override"):
        stages.move(in_review, Stage.LIVE, by=staff_user)
    with pytest.raises(stages.StageError, match="Say why"):
        stages.move(in_review, Stage.LIVE, by=staff_user, override=True)
    stages.move(in_review, Stage.LIVE, by=staff_user, override=True, reason="Launch event")
    change = StageChange.objects.filter(restaurant=in_review).first()
    assert (change.to_stage, change.by) == (Stage.LIVE, staff_user)
    assert "Launch event" in change.reason and "Override" in change.reason
    assert Restaurant.objects.get(pk=in_review.pk).stage_reason == change.reason


@pytest.mark.parametrize("stage", [Stage.PROSPECT, Stage.CONNECTED, Stage.REMOVED])
def test_staff_cannot_set_what_the_platform_decides(in_review, staff_user, stage):
    with pytest.raises(stages.StageError, match="platform"):
        stages.move(in_review, stage, by=staff_user)
    assert stage_of(in_review.pk) == Stage.IN_REVIEW


def test_blocking_takes_a_reason_and_unblocking_goes_where_the_facts_say(in_review, staff_user):
    with pytest.raises(stages.StageError, match="why"):
        stages.move(in_review, Stage.BLOCKED, by=staff_user, reason="  ")
    stages.move(in_review, Stage.BLOCKED, by=staff_user, reason="Menu not ready")
    assert Restaurant.objects.get(pk=in_review.pk).stage_reason == "Menu not ready"
    # A blocked restaurant is not moved by the platform's facts.
    apply_restaurant_info(payload(str(in_review.pk)))
    assert stage_of(in_review.pk) == Stage.BLOCKED
    restaurant = Restaurant.objects.select_related("connection").get(pk=in_review.pk)
    stages.unblock(restaurant, by=staff_user)
    assert stage_of(in_review.pk) == Stage.DATA_RECEIVED  # the checklist is complete now


def test_a_timeline_entry_is_never_changed(in_review):
    entry = TimelineEntry.objects.filter(restaurant=in_review).first()
    entry.summary = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()


def test_the_timeline_merges_entries_with_the_data_changes_newest_first(in_review):
    apply_restaurant_info(payload(str(in_review.pk)))  # online ordering on again
    page = timeline.page(in_review)
    kinds = [item.kind for item in page.items]
    assert kinds.count("data") == 2  # the first data and the change
    changed = next(item for item in page.items if item.changes)
    assert [change.path for change in changed.changes] == ["onlineOrdering.enabled"]
    moments = [item.at for item in page.items]
    assert moments == sorted(moments, reverse=True)
    assert page.older is None
