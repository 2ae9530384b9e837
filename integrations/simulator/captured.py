"""RestaurantInfo as payloads captured from real restaurants show it.

The platform's own data deviates from its reference text (see
../shared/reference/toast-platform-notes.md, "Real RestaurantInfo deviates"):
day-schedule keys are 16 to 18 digit numbers, services carry no `overnight`,
a restaurant that delivers may send `area: ""` and `minimum: null`, absent
URLs are empty strings and whole sections may be missing. `Published.
captured_deviations` serves that shape for some restaurants, the same ones
for the same GUID on every run.
"""

import copy
import random
import uuid

# About two restaurants in three look captured; the others keep the reference shape.
SHARE = 2 / 3
# Sections real payloads were seen without (never `general`: the webhook needs it).
DROPPABLE_SECTIONS = ("urls", "prepTimes", "onlineOrdering", "delivery", "schedules")


def applies(guid):
    return _rng(guid).random() < SHARE


def deviate(info):
    """A deep copy of the simulator's `RestaurantInfo` in the captured shape."""
    info = copy.deepcopy(info)
    rng = _rng(info["guid"])
    rng.random()  # the draw applies() made
    _long_day_schedule_keys(info, rng)
    for schedule in info.get("schedules", {}).get("daySchedules", {}).values():
        for service in schedule["services"]:
            service.pop("overnight", None)
    delivery = info.get("delivery")
    if delivery and delivery["enabled"] and rng.random() < 0.5:
        delivery.update(area="", minimum=None)
    elif delivery:
        delivery["minimum"] = None
    info["urls"] = {key: value or "" for key, value in info["urls"].items()}
    for section in DROPPABLE_SECTIONS:
        if rng.random() < 0.15:
            info.pop(section, None)
    return info


def _long_day_schedule_keys(info, rng):
    schedules = info["schedules"]
    keys = {key: _digits(rng, rng.randint(16, 18)) for key in schedules["daySchedules"]}
    schedules["daySchedules"] = {keys[key]: body for key, body in schedules["daySchedules"].items()}
    week = schedules["weekSchedule"]
    schedules["weekSchedule"] = {day: keys.get(key) for day, key in week.items()}


def _digits(rng, count):
    return str(rng.randrange(10 ** (count - 1), 10**count))


def _rng(guid):
    return random.Random(uuid.UUID(guid).int)
