"""Schedule logic: business days, overnight services, closed days, open now, DST."""

import datetime
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from restaurants.models import WEEKDAYS
from restaurants.schedule import axis, open_state, week

UTC = datetime.UTC


def _service(name, start, end):
    return SimpleNamespace(
        name=name, start_time=datetime.time(*start), end_time=datetime.time(*end)
    )


def _schedule(key, *services):
    rows = list(services)
    return SimpleNamespace(
        key=key, schedule_name=key.title(), services=SimpleNamespace(all=lambda: rows)
    )


def _restaurant(closeout=4, zone="America/New_York", **days):
    week_keys = {f"week_{day}": days.get(day, "open") for day in WEEKDAYS}
    return SimpleNamespace(closeout_hour=closeout, time_zone=zone, **week_keys)


SCHEDULES = [
    _schedule("open", _service("Dinner", (17, 0), (22, 0)), _service("Late", (22, 0), (2, 0))),
    _schedule("afterhours", _service("After hours", (1, 0), (3, 0))),
]


def _days(**kwargs):
    restaurant = _restaurant(**kwargs)
    return restaurant, week(restaurant, SCHEDULES)


def test_overnight_service_belongs_to_the_day_it_starts_and_crosses_midnight():
    _, days = _days()
    late = days[0].slots[1]
    assert (late.start_minute, late.end_minute) == (22 * 60, 26 * 60)
    assert late.crosses_midnight and not days[0].slots[0].crosses_midnight


def test_service_after_midnight_before_closeout_belongs_to_the_previous_day():
    _, days = _days(tuesday="afterhours")
    slot = days[1].slots[0]
    assert (slot.start_minute, slot.end_minute) == (25 * 60, 27 * 60)


def test_closed_days_and_unknown_schedule_keys():
    _, days = _days(monday=None, sunday="no-such-schedule")
    assert days[0].closed and days[6].closed and not days[1].closed


def _at(zone, *args):
    return datetime.datetime(*args, tzinfo=ZoneInfo(zone))


def test_open_now_just_after_midnight_counts_the_previous_business_day():
    restaurant, days = _days(tuesday=None)
    # Tuesday 01:30 in New York: Monday's late service (22:00-02:00) is still on.
    now = _at("America/New_York", 2026, 11, 24, 1, 30)
    state = open_state(days, restaurant.time_zone, restaurant.closeout_hour, now)
    assert state.open and state.service == "Late"
    assert state.until.hour == 2 and state.until.day == 24


def test_closed_day_reports_when_it_opens_next():
    restaurant, days = _days(tuesday=None)
    now = _at("America/New_York", 2026, 11, 24, 12, 0)  # Tuesday noon, closed
    state = open_state(days, restaurant.time_zone, restaurant.closeout_hour, now)
    assert not state.open
    assert (state.next_open.strftime("%A %H:%M")) == "Wednesday 17:00"


def test_the_same_instant_in_another_time_zone():
    restaurant, days = _days(zone="America/Los_Angeles")
    now = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 19:00 Monday in Los Angeles
    state = open_state(days, restaurant.time_zone, restaurant.closeout_hour, now)
    assert state.open and state.service == "Dinner"


def test_open_now_across_the_autumn_dst_change():
    _, days = _days()
    # 2026-11-01: New York falls back at 02:00. Saturday's late service ends at 02:00
    # wall-clock, i.e. 06:00 UTC before the change (EDT) ...
    before = datetime.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert open_state(days, "America/New_York", 4, before).open
    # ... and the instant after 02:00 EST is closed.
    after = datetime.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 02:30 EST
    assert not open_state(days, "America/New_York", 4, after).open


def test_open_now_across_the_spring_dst_change():
    _, days = _days()
    # 2026-03-08: clocks jump from 02:00 to 03:00; 01:59 EST is open, 03:01 EDT is not.
    assert open_state(
        days, "America/New_York", 4, datetime.datetime(2026, 3, 8, 6, 59, tzinfo=UTC)
    ).open
    assert not open_state(
        days, "America/New_York", 4, datetime.datetime(2026, 3, 8, 7, 1, tzinfo=UTC)
    ).open


def test_impossible_time_zone_gives_no_state():
    _, days = _days()
    assert open_state(days, "Mars/Olympus_Mons", 4) is None


def test_grid_places_slots_from_the_closeout_hour():
    _, days = _days(closeout=4)
    dinner, late = days[0].slots
    # The track is 30 h from 04:00: dinner 17:00 is 13 h in, 5 h long.
    assert (dinner.left, dinner.width) == (round(13 / 30 * 100, 3), round(5 / 30 * 100, 3))
    assert (late.left, late.width) == (60.0, round(4 / 30 * 100, 3))


def test_grid_clips_a_service_longer_than_the_track():
    restaurant = _restaurant(closeout=0)
    long = [_schedule("open", _service("All night", (20, 0), (19, 0)))]  # 23 h, ends 43 h in
    slot = week(restaurant, long)[0].slots[0]
    assert slot.end_minute == 43 * 60 and slot.left + slot.width == pytest.approx(100)


@pytest.mark.parametrize("closeout", [None, 0, 4, 5, 11, 23])
def test_axis_labels_are_evenly_spaced_and_mark_midnight(closeout):
    ticks = axis(closeout)
    steps = {round(b.left - a.left, 3) for a, b in itertools.pairwise(ticks)}
    assert steps == {10.0}  # 3 hours of the 30-hour track, every time
    assert all(int(t.label[:2]) % 3 == 0 for t in ticks)
    assert 0 <= ticks[0].left < 10 and ticks[-1].left < 100
    midnight = [t for t in ticks if t.midnight]
    assert [t.label for t in midnight] == ["00:00"]
    assert midnight[0].left == pytest.approx((24 - (closeout or 0)) / 30 * 100, abs=1e-3)


def test_services_without_hours_are_left_out():
    restaurant = _restaurant()
    broken = [
        SimpleNamespace(
            key="open",
            schedule_name="Open",
            services=SimpleNamespace(
                all=lambda: [SimpleNamespace(name="?", start_time=None, end_time=None)]
            ),
        )
    ]
    assert all(day.closed for day in week(restaurant, broken))


def test_a_day_with_no_service_at_all_is_closed_until_the_next_opening():
    restaurant, days = _days(**dict.fromkeys(WEEKDAYS))
    state = open_state(days, restaurant.time_zone, 4, _at("America/New_York", 2026, 11, 24, 12))
    assert not state.open and state.next_open is None
