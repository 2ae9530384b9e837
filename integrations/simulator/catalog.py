"""Deterministic, realistic restaurants: the same seed gives the same world.

Names, addresses around real US city centres with their IANA time zones,
management groups, day schedules with several services (closed days,
overnight late services that end before `closeoutHour`), delivery polygons
around the restaurant encoded as polylines, and a spread of online ordering
options, payment options, prep times and URLs.
"""

import datetime
import math
import uuid
from dataclasses import dataclass

import polyline


@dataclass(frozen=True)
class City:
    name: str
    state_code: str
    state: str
    zip_prefix: str
    latitude: float
    longitude: float
    time_zone: str
    area_code: str


CITIES = [
    City("New York", "NY", "New York", "100", 40.7128, -74.0060, "America/New_York", "212"),
    City("Boston", "MA", "Massachusetts", "021", 42.3601, -71.0589, "America/New_York", "617"),
    City("Miami", "FL", "Florida", "331", 25.7617, -80.1918, "America/New_York", "305"),
    City("Detroit", "MI", "Michigan", "482", 42.3314, -83.0458, "America/Detroit", "313"),
    City("Chicago", "IL", "Illinois", "606", 41.8781, -87.6298, "America/Chicago", "312"),
    City("Austin", "TX", "Texas", "787", 30.2672, -97.7431, "America/Chicago", "512"),
    City("Denver", "CO", "Colorado", "802", 39.7392, -104.9903, "America/Denver", "303"),
    City("Phoenix", "AZ", "Arizona", "850", 33.4484, -112.0740, "America/Phoenix", "602"),
    City(
        "Los Angeles", "CA", "California", "900", 34.0522, -118.2437, "America/Los_Angeles", "213"
    ),
    City("Seattle", "WA", "Washington", "981", 47.6062, -122.3321, "America/Los_Angeles", "206"),
    City("Anchorage", "AK", "Alaska", "995", 61.2181, -149.9003, "America/Anchorage", "907"),
    City("Honolulu", "HI", "Hawaii", "968", 21.3069, -157.8583, "Pacific/Honolulu", "808"),
]
ADJECTIVES = [
    "Golden",
    "Blue",
    "Rustic",
    "Little",
    "Red",
    "Smoky",
    "Salty",
    "Green",
    "Copper",
    "Wild",
    "Lucky",
    "Silver",
    "Old Town",
    "Harbor",
    "Sunny",
    "Velvet",
]
NOUNS = [
    "Spoon",
    "Heron",
    "Lantern",
    "Fig",
    "Oak",
    "Anchor",
    "Pepper",
    "Kettle",
    "Barrel",
    "Olive",
    "Sparrow",
    "Ember",
    "Tide",
    "Basil",
    "Mesa",
    "Orchard",
]
KINDS = [
    "Bistro",
    "Taqueria",
    "Kitchen",
    "Diner",
    "Ramen Bar",
    "Pizzeria",
    "Café",
    "Grill",
    "Noodle House",
    "Brasserie",
    "Smokehouse",
    "Bakery",
    "Trattoria",
    "Izakaya",
]
STREETS = [
    "Main St",
    "Market St",
    "Broadway",
    "Oak Ave",
    "2nd St",
    "Elm St",
    "Lake Shore Dr",
    "Mission St",
    "Pine St",
    "Washington Ave",
    "Harbor Blvd",
    "Sunset Blvd",
    "Park Ave",
]
NEIGHBOURHOODS = [
    "Downtown",
    "Uptown",
    "Riverside",
    "Midtown",
    "Old Town",
    "Harbor",
    "University",
    "Airport",
    "Westside",
    "Eastside",
]
PAYMENT_OPTIONS = {
    "delivery": ["cash", "ccSameDay", "ccFuture"],
    "takeout": ["cash", "ccSameDay", "ccFuture", "ccInStore"],
}


def guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def restaurant_info(rng, number, group_guid, archived=False):
    """One complete RestaurantInfo payload."""
    city = rng.choice(CITIES)
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(KINDS)}"
    slug = name.lower().replace(" ", "-").replace("é", "e") + f"-{number}"
    latitude = round(city.latitude + rng.uniform(-0.06, 0.06), 6)
    longitude = round(city.longitude + rng.uniform(-0.06, 0.06), 6)
    closeout = rng.choice([2, 3, 4, 4, 5])
    return {
        "guid": guid(rng),
        "general": {
            "name": name,
            "locationName": f"{rng.choice(NEIGHBOURHOODS)} {city.name}",
            "locationCode": f"LOC-{number:04d}",
            "description": f"{name}: seasonal menu, {rng.choice(['family', 'chef'])}-run since "
            f"{rng.randint(1990, 2022)}.",
            "timeZone": city.time_zone,
            "closeoutHour": closeout,
            "managementGroupGuid": group_guid,
            "currencyCode": "USD",
            "firstBusinessDate": int(_business_date(rng).strftime("%Y%m%d")),
            "archived": archived,
        },
        "urls": _urls(rng, slug),
        "location": {
            "address1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            "address2": rng.choice([None, None, f"Suite {rng.randint(100, 990)}"]),
            "city": city.name,
            "stateCode": city.state_code,
            "administrativeArea": city.state,
            "zipCode": f"{city.zip_prefix}{rng.randint(0, 99):02d}",
            "country": "US",
            "phone": f"{city.area_code}555{rng.randint(0, 9999):04d}",
            "phoneCountryCode": "1",
            "latitude": latitude,
            "longitude": longitude,
        },
        "schedules": schedules(rng, closeout),
        "delivery": _delivery(rng, latitude, longitude),
        "onlineOrdering": _online_ordering(rng),
        "prepTimes": _prep_times(rng),
    }


def schedules(rng, closeout):
    """Day schedules with several services and a week that maps days to them (or closed)."""
    late_end = f"{min(closeout - 1, 2):02d}:{rng.choice(['00', '30'])}:00.000"
    days = {
        "weekday": _day("Weekday", [("Lunch", "11:00", "15:00"), ("Dinner", "17:00", "22:00")]),
        "weekend": _day(
            "Weekend",
            [
                ("Brunch", "10:00", "14:30"),
                ("Dinner", "17:00", "22:00"),
                ("Late night", "22:00", late_end[:5]),
            ],
        ),
    }
    if rng.random() < 0.4:
        days["breakfast"] = _day(
            "Breakfast and lunch", [("Breakfast", "07:00", "10:30"), ("Lunch", "11:00", "15:00")]
        )
    week = {day: "weekday" for day in ("monday", "tuesday", "wednesday", "thursday", "sunday")}
    week.update(friday="weekend", saturday="weekend")
    if "breakfast" in days:
        week["sunday"] = "breakfast"
    for day in rng.sample(["monday", "tuesday"], k=rng.choice([0, 1, 1, 2])):
        week[day] = None  # closed
    return {"daySchedules": days, "weekSchedule": week}


def _day(name, services):
    rows = [
        {
            "name": service,
            "hours": {"startTime": f"{start}:00.000", "endTime": f"{end}:00.000"},
            "overnight": end < start,
        }
        for service, start, end in services
    ]
    return {
        "scheduleName": name,
        "services": rows,
        "openTime": rows[0]["hours"]["startTime"],
        "closeTime": rows[-1]["hours"]["endTime"],
    }


def delivery_polygon(rng, latitude, longitude):
    """6 to 10 vertices 1.5 to 4 km around the restaurant, encoded as a polyline."""
    count = rng.randint(6, 10)
    points = []
    for index in range(count):
        angle = 2 * math.pi * (index + rng.uniform(-0.2, 0.2)) / count
        km = rng.uniform(1.5, 4.0)
        points.append(
            (
                round(latitude + km / 111.32 * math.sin(angle), 5),
                round(
                    longitude + km / (111.32 * math.cos(math.radians(latitude))) * math.cos(angle),
                    5,
                ),
            )
        )
    return polyline.encode(points, 5)


def _delivery(rng, latitude, longitude):
    enabled = rng.random() < 0.7
    return {
        "enabled": enabled,
        "minimum": rng.choice([0.0, 10.0, 15.0, 20.0, 25.5]) if enabled else None,
        "area": delivery_polygon(rng, latitude, longitude) if enabled else None,
    }


def _online_ordering(rng):
    enabled = rng.random() < 0.8
    options = {
        kind: {name: rng.random() < 0.7 for name in names}
        for kind, names in PAYMENT_OPTIONS.items()
    }
    return {
        "enabled": enabled,
        "scheduling": enabled and rng.random() < 0.6,
        "specialRequests": (special := rng.random() < 0.5),
        "specialRequestsMessage": "Tell us about allergies; no substitutions on weekends."
        if special
        else None,
        "paymentOptions": {**options, "ccTip": rng.random() < 0.8},
    }


def _prep_times(rng):
    return {
        "deliveryPrepTime": rng.choice([20, 30, 45]),
        "deliveryTimeAfterOpen": rng.choice([0, 15, 30]),
        "deliveryTimeBeforeClose": rng.choice([15, 30, 45]),
        "takeoutPrepTime": rng.choice([10, 15, 20]),
        "takeoutTimeAfterOpen": rng.choice([0, 10]),
        "takeoutTimeBeforeClose": rng.choice([10, 15]),
        "takeoutThrottlingTime": rng.choice([0, 5, 10]),
        "deliveryThrottlingTime": rng.choice([0, 10, 15]),
    }


def _urls(rng, slug):
    return {
        "website": f"https://{slug}.example.com/",
        "facebook": f"https://www.facebook.com/{slug}",
        "twitter": rng.choice([f"@{slug[:15]}", None]),
        "orderOnline": f"https://order.example.com/{slug}",
        "purchaseGiftCard": f"https://gift.example.com/{slug}/buy",
        "checkGiftCard": f"https://gift.example.com/{slug}/balance",
    }


def _business_date(rng):
    return datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randint(0, 3650))


def change(rng, info):
    """A configuration change the restaurant makes in the platform (hours, payments, prep)."""
    what = rng.choice(["prep", "payment", "hours", "ordering"])
    if what == "prep":
        info["prepTimes"]["takeoutPrepTime"] += 5
    elif what == "payment":
        options = info["onlineOrdering"]["paymentOptions"]["takeout"]
        options["cash"] = not options["cash"]
    elif what == "hours":
        info["schedules"]["daySchedules"]["weekday"]["services"][0]["name"] += " (new)"
    else:
        info["onlineOrdering"]["enabled"] = not info["onlineOrdering"]["enabled"]
    return what
