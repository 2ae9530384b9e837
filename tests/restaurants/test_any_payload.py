"""The round trip holds for any valid RestaurantInfo, not only the fixtures."""

import datetime
import zoneinfo

import polyline
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restaurants.ingest import apply_restaurant_info
from restaurants.models import WEEKDAYS, Restaurant
from restaurants.restaurant_info import export
from tests.payloads import pruned

TIME_ZONES = sorted(zoneinfo.available_timezones())

# Text a database can store: no NUL, no lone surrogate (test_refusals covers both).
text = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=30)


def maybe(strategy):
    return st.none() | strategy


def section(**fields):
    return maybe(st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()}))


times = st.times().map(lambda t: f"{t:%H:%M:%S}.{t.microsecond // 1000:03d}")
minutes = st.integers(min_value=0, max_value=10_000)
booleans = st.booleans()
points = st.tuples(
    st.floats(min_value=-89, max_value=89).map(lambda v: round(v, 5)),
    st.floats(min_value=-179, max_value=179).map(lambda v: round(v, 5)),
)
areas = st.lists(points, min_size=3, max_size=12, unique=True).map(polyline.encode)
dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2099, 12, 31)).map(
    lambda d: int(d.strftime("%Y%m%d"))
)
services = st.fixed_dictionaries(
    {},
    optional={
        "name": maybe(text),
        "hours": section(startTime=times, endTime=times),
        "overnight": maybe(booleans),
    },
)
day_schedule = st.fixed_dictionaries(
    {"services": st.lists(services, max_size=5)},
    optional={"scheduleName": maybe(text), "openTime": maybe(times), "closeTime": maybe(times)},
)


@st.composite
def schedules(draw):
    days = draw(st.dictionaries(text, day_schedule, max_size=4))
    keys = st.sampled_from(sorted(days)) if days else st.nothing()
    week = draw(st.fixed_dictionaries({}, optional={d: maybe(keys) for d in WEEKDAYS}))
    return {"daySchedules": days, "weekSchedule": week}


payloads = st.fixed_dictionaries(
    {"guid": st.uuids().map(str)},
    optional={
        "general": section(
            name=text,
            locationName=text,
            locationCode=text,
            description=text,
            timeZone=st.sampled_from(TIME_ZONES),
            closeoutHour=st.integers(0, 12),
            managementGroupGuid=st.uuids().map(str),
            currencyCode=text,
            firstBusinessDate=dates,
            archived=booleans,
        ),
        "urls": section(
            website=text,
            facebook=text,
            twitter=text,
            orderOnline=text,
            purchaseGiftCard=text,
            checkGiftCard=text,
        ),
        "location": section(
            address1=text,
            address2=text,
            city=text,
            stateCode=text,
            administrativeArea=text,
            zipCode=text,
            country=text,
            phone=text,
            phoneCountryCode=text,
            latitude=st.floats(-90, 90),
            longitude=st.floats(-180, 180),
        ),
        "schedules": schedules(),
        "delivery": section(
            enabled=booleans, minimum=st.floats(0, 1e6) | st.integers(0, 1000), area=areas
        ),
        "onlineOrdering": section(
            enabled=booleans,
            scheduling=booleans,
            specialRequests=booleans,
            specialRequestsMessage=text,
            paymentOptions=section(
                delivery=section(cash=booleans, ccSameDay=booleans, ccFuture=booleans),
                takeout=section(
                    cash=booleans, ccSameDay=booleans, ccFuture=booleans, ccInStore=booleans
                ),
                ccTip=booleans,
            ),
        ),
        "prepTimes": section(
            deliveryPrepTime=minutes,
            deliveryTimeAfterOpen=minutes,
            deliveryTimeBeforeClose=minutes,
            takeoutPrepTime=minutes,
            takeoutTimeAfterOpen=minutes,
            takeoutTimeBeforeClose=minutes,
            takeoutThrottlingTime=minutes,
            deliveryThrottlingTime=minutes,
        ),
    },
)


@pytest.mark.django_db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=payloads)
def test_any_valid_restaurant_info_round_trips(payload):
    outcome = apply_restaurant_info(payload)
    assert outcome.ok, outcome.error

    restaurant = Restaurant.objects.prefetch_related("day_schedules__services").get(
        pk=payload["guid"]
    )
    assert pruned(export(restaurant)) == pruned(payload)
