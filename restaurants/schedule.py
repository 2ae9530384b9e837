"""The weekly schedule as staff read it: business days, services, open now.

A service belongs to the business day it starts in. The platform's business
day runs from `closeoutHour` to `closeoutHour` the next morning, so a service
that starts after midnight but before the closeout hour (say 01:00) belongs
to the previous day, and one that ends after midnight (overnight) is drawn
across midnight. All times are the restaurant's local time.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from restaurants.models import WEEKDAYS

MINUTES_PER_DAY = 24 * 60
# The grid shows a business day and six hours more, so an overnight service
# is drawn whole, across midnight, in the day it belongs to.
TRACK_MINUTES = 30 * 60
TICK_HOURS = 3


@dataclass(frozen=True)
class Slot:
    name: str
    start: datetime.time
    end: datetime.time
    start_minute: int  # from the business day's midnight; may exceed 24 h
    end_minute: int
    left: float  # where the grid draws it, in % of the track
    width: float

    @property
    def crosses_midnight(self):
        return self.end_minute > MINUTES_PER_DAY


@dataclass(frozen=True)
class Tick:
    left: float  # % of the track
    label: str
    midnight: bool


@dataclass(frozen=True)
class Day:
    weekday: str
    schedule_name: str | None
    slots: tuple
    closed: bool


def week(restaurant, day_schedules):
    """Seven Days, Monday first; `day_schedules` are the restaurant's, services prefetched."""
    by_key = {schedule.key: schedule for schedule in day_schedules}
    closeout = restaurant.closeout_hour or 0
    days = []
    for weekday in WEEKDAYS:
        schedule = by_key.get(getattr(restaurant, f"week_{weekday}"))
        slots = tuple(_slots(schedule, closeout)) if schedule else ()
        days.append(Day(weekday, schedule.schedule_name if schedule else None, slots, not slots))
    return days


def _slots(schedule, closeout):
    for service in schedule.services.all():
        if service.start_time is None or service.end_time is None:
            continue
        start = _minute(service.start_time)
        if start < closeout * 60:
            start += MINUTES_PER_DAY  # after midnight, before closeout: the previous day's
        end = _minute(service.end_time)
        while end <= start:
            end += MINUTES_PER_DAY
        left, width = _placement(start, end, closeout)
        name = service.name or "Service"
        yield Slot(name, service.start_time, service.end_time, start, end, left, width)


def _placement(start, end, closeout):
    """Left and width in % of a track that starts at the closeout hour."""
    origin = closeout * 60
    visible_end = min(end, origin + TRACK_MINUTES)
    left = (start - origin) / TRACK_MINUTES * 100
    return round(left, 3), round(max(visible_end - start, 0) / TRACK_MINUTES * 100, 3)


def axis(closeout_hour):
    """The grid's hour marks: every TICK_HOURS hours of the clock, midnight among them.

    Counted from midnight, not from the closeout hour, so the labels stand
    evenly spaced whatever the closeout hour (the track's left edge is the
    closeout hour, as the text under the grid says).
    """
    origin = (closeout_hour or 0) * 60
    first = -(-origin // (TICK_HOURS * 60)) * TICK_HOURS * 60  # the first mark at or after it
    ticks = []
    for minute in range(first, origin + TRACK_MINUTES, TICK_HOURS * 60):
        left = round((minute - origin) / TRACK_MINUTES * 100, 3)
        ticks.append(Tick(left, f"{minute // 60 % 24:02d}:00", minute == MINUTES_PER_DAY))
    return ticks


def _minute(moment):
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class OpenState:
    open: bool
    service: str | None  # the service open now
    until: datetime.datetime | None  # when it closes
    next_open: datetime.datetime | None  # when it opens next, if closed


def open_state(days, time_zone, closeout_hour, now=None):
    """Open now (and until when), or when it opens next, in the restaurant's time zone."""
    zone = _zone(time_zone)
    if zone is None:
        return None
    local = (now or datetime.datetime.now(datetime.UTC)).astimezone(zone)
    business_date = (local - datetime.timedelta(hours=closeout_hour or 0)).date()
    now = local.astimezone(datetime.UTC)
    upcoming = []
    for offset in range(-1, 8):
        date = business_date + datetime.timedelta(days=offset)
        day = days[date.weekday()]
        for slot in day.slots:
            start = _local(date, slot.start_minute, zone)
            end = _local(date, slot.end_minute, zone)
            # Compared as instants: a wall-clock comparison goes wrong in a DST fold.
            if start.astimezone(datetime.UTC) <= now < end.astimezone(datetime.UTC):
                return OpenState(True, slot.name, end, None)
            if start.astimezone(datetime.UTC) > now:
                upcoming.append(start)
    upcoming.sort(key=lambda moment: moment.astimezone(datetime.UTC))
    return OpenState(False, None, None, upcoming[0] if upcoming else None)


def _local(date, minute, zone):
    """The wall-clock time `minute` after the date's midnight, as an aware instant."""
    days, minute = divmod(minute, MINUTES_PER_DAY)
    naive = datetime.datetime.combine(date + datetime.timedelta(days=days), datetime.time())
    naive += datetime.timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(datetime.UTC).astimezone(zone)


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def local_now(time_zone, now=None):
    zone = _zone(time_zone)
    return (now or datetime.datetime.now(datetime.UTC)).astimezone(zone) if zone else None
