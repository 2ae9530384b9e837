"""The platform's `RestaurantInfo` JSON, read into model values and written back.

One table, `FIELDS`, says where every field of the payload lives on the
models and how its value is checked; parsing and export both walk it, so the
two directions cannot drift apart. Parsing refuses a payload whole, with a
`PayloadError` that names the field and the value.
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from restaurants import strict_json, validators
from restaurants.models import WEEKDAYS, Restaurant
from restaurants.values import as_uuid

JSONObject = dict[str, Any]
Rule = Callable[[Any], None]  # a validator: raises ValidationError


class PayloadError(ValueError):
    """A payload the portal refuses, naming the offending field and value."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


# --- value kinds -------------------------------------------------------------
# Each kind turns a JSON value into a model value (raising ValueError with a
# reason) and back. None passes through both ways: absent and null are alike.


class Kind:
    def load(self, value: Any) -> Any:
        return value

    def dump(self, value: Any) -> Any:
        return value


class Text(Kind):
    # Far beyond any real name, address or URL; it keeps a broken payload from
    # filling the database. PostgreSQL cannot store NUL characters at all.
    MAX_LENGTH = 10_000

    def load(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {value!r}")
        if len(value) > self.MAX_LENGTH:
            raise ValueError(f"is {len(value)} characters long, more than {self.MAX_LENGTH}")
        if "\x00" in value:
            raise ValueError(f"contains a NUL character: {value[:40]!r}")
        return value


class Boolean(Kind):
    def load(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value


class Integer(Kind):
    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def load(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        return _checked(value, self.rules)


class Number(Kind):
    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def load(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number, got {value!r}")
        return _checked(float(value), self.rules)


class ValidatedText(Text):
    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def load(self, value: Any) -> str:
        return _checked(super().load(value), self.rules)


class Guid(Kind):
    def load(self, value: Any) -> uuid.UUID:
        guid = as_uuid(Text().load(value))
        if guid is None:
            raise ValueError(f"expected a GUID, got {value!r}")
        return guid

    def dump(self, value: uuid.UUID) -> str:
        return str(value)


class BusinessDate(Kind):
    """`firstBusinessDate`: an integer yyyyMMdd."""

    def load(self, value: Any) -> datetime.date:
        number = Integer().load(value)
        try:
            return datetime.datetime.strptime(f"{number:08d}", "%Y%m%d").date()
        except ValueError as exc:
            raise ValueError(f"expected a date as yyyyMMdd, got {value!r}") from exc

    def dump(self, value: datetime.date) -> int:
        return int(value.strftime("%Y%m%d"))


class TimeOfDay(Kind):
    """`HH:MM:SS.mmm` in the restaurant's time zone."""

    def load(self, value: Any) -> datetime.time:
        text = _checked(Text().load(value), [validators.validate_time])
        return datetime.time.fromisoformat(text)

    def dump(self, value: datetime.time) -> str:
        return f"{value:%H:%M:%S}.{value.microsecond // 1000:03d}"


def _checked(value: Any, rules: Sequence[Rule]) -> Any:
    for rule in rules:
        try:
            rule(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc
    return value


TEXT = Text()
BOOLEAN = Boolean()
MINUTES = Integer(validators.validate_non_negative)
TIME = TimeOfDay()

# --- the table ---------------------------------------------------------------
# (path in the payload, Restaurant attribute, kind)
Table = list[tuple[tuple[str, ...], str, Kind]]
FIELDS: Table = [
    (("general", "name"), "name", TEXT),
    (("general", "locationName"), "location_name", TEXT),
    (("general", "locationCode"), "location_code", TEXT),
    (("general", "description"), "description", TEXT),
    (("general", "timeZone"), "time_zone", ValidatedText(validators.validate_time_zone)),
    (("general", "closeoutHour"), "closeout_hour", Integer(validators.validate_closeout_hour)),
    (("general", "managementGroupGuid"), "management_group_guid", Guid()),
    (("general", "currencyCode"), "currency_code", TEXT),
    (("general", "firstBusinessDate"), "first_business_date", BusinessDate()),
    (("general", "archived"), "archived", BOOLEAN),
    (("urls", "website"), "website", TEXT),
    (("urls", "facebook"), "facebook", TEXT),
    (("urls", "twitter"), "twitter", TEXT),
    (("urls", "orderOnline"), "order_online", TEXT),
    (("urls", "purchaseGiftCard"), "purchase_gift_card", TEXT),
    (("urls", "checkGiftCard"), "check_gift_card", TEXT),
    (("location", "address1"), "address1", TEXT),
    (("location", "address2"), "address2", TEXT),
    (("location", "city"), "city", TEXT),
    (("location", "stateCode"), "state_code", TEXT),
    (("location", "administrativeArea"), "administrative_area", TEXT),
    (("location", "zipCode"), "zip_code", TEXT),
    (("location", "country"), "country", TEXT),
    (("location", "phone"), "phone", TEXT),
    (("location", "phoneCountryCode"), "phone_country_code", TEXT),
    (("location", "latitude"), "latitude", Number(validators.validate_latitude)),
    (("location", "longitude"), "longitude", Number(validators.validate_longitude)),
    (("delivery", "enabled"), "delivery_enabled", BOOLEAN),
    (("delivery", "minimum"), "delivery_minimum", Number(validators.validate_non_negative)),
    (("delivery", "area"), "delivery_area", ValidatedText(validators.validate_delivery_area)),
    (("onlineOrdering", "enabled"), "online_ordering_enabled", BOOLEAN),
    (("onlineOrdering", "scheduling"), "online_ordering_scheduling", BOOLEAN),
    (("onlineOrdering", "specialRequests"), "special_requests", BOOLEAN),
    (("onlineOrdering", "specialRequestsMessage"), "special_requests_message", TEXT),
    (("onlineOrdering", "paymentOptions", "delivery", "cash"), "delivery_cash", BOOLEAN),
    (
        ("onlineOrdering", "paymentOptions", "delivery", "ccSameDay"),
        "delivery_cc_same_day",
        BOOLEAN,
    ),
    (("onlineOrdering", "paymentOptions", "delivery", "ccFuture"), "delivery_cc_future", BOOLEAN),
    (("onlineOrdering", "paymentOptions", "takeout", "cash"), "takeout_cash", BOOLEAN),
    (("onlineOrdering", "paymentOptions", "takeout", "ccSameDay"), "takeout_cc_same_day", BOOLEAN),
    (("onlineOrdering", "paymentOptions", "takeout", "ccFuture"), "takeout_cc_future", BOOLEAN),
    (("onlineOrdering", "paymentOptions", "takeout", "ccInStore"), "takeout_cc_in_store", BOOLEAN),
    (("onlineOrdering", "paymentOptions", "ccTip"), "cc_tip", BOOLEAN),
    (("prepTimes", "deliveryPrepTime"), "delivery_prep_time", MINUTES),
    (("prepTimes", "deliveryTimeAfterOpen"), "delivery_time_after_open", MINUTES),
    (("prepTimes", "deliveryTimeBeforeClose"), "delivery_time_before_close", MINUTES),
    (("prepTimes", "takeoutPrepTime"), "takeout_prep_time", MINUTES),
    (("prepTimes", "takeoutTimeAfterOpen"), "takeout_time_after_open", MINUTES),
    (("prepTimes", "takeoutTimeBeforeClose"), "takeout_time_before_close", MINUTES),
    (("prepTimes", "takeoutThrottlingTime"), "takeout_throttling_time", MINUTES),
    (("prepTimes", "deliveryThrottlingTime"), "delivery_throttling_time", MINUTES),
] + [(("schedules", "weekSchedule", day), f"week_{day}", TEXT) for day in WEEKDAYS]

# Day schedule and service fields: (JSON key path, model attribute, kind)
DAY_SCHEDULE_FIELDS: Table = [
    (("scheduleName",), "schedule_name", TEXT),
    (("openTime",), "open_time", TIME),
    (("closeTime",), "close_time", TIME),
]
SERVICE_FIELDS: Table = [
    (("name",), "name", TEXT),
    (("hours", "startTime"), "start_time", TIME),
    (("hours", "endTime"), "end_time", TIME),
    (("overnight",), "overnight", BOOLEAN),
]


# --- parsing -----------------------------------------------------------------


@dataclass
class ParsedDaySchedule:
    key: str
    position: int
    values: dict[str, Any]
    services: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParsedRestaurantInfo:
    guid: uuid.UUID
    values: dict[str, Any]
    day_schedules: list[ParsedDaySchedule]


def canonical_form(payload: Any) -> tuple[str, str]:
    """(sha256, text) of the payload as compact JSON with sorted keys: key order does not
    count. The hash says whether anything changed; a snapshot stores the text."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Anywhere, known field or not: SQLite would store it, PostgreSQL's jsonb refuses it.
    if strict_json.NUL_ESCAPE in text:
        path = strict_json.nul_path(payload)
        if path is not None:
            raise PayloadError(path, strict_json.NUL)
    try:
        return hashlib.sha256(text.encode()).hexdigest(), text
    except UnicodeEncodeError:
        path = strict_json.lone_surrogate_path(payload)
        raise PayloadError(path, strict_json.NOT_UNICODE) from None


def parse_guid(payload: Any) -> uuid.UUID:
    if not isinstance(payload, dict):
        raise PayloadError("", f"expected a RestaurantInfo object, got {type(payload).__name__}")
    return _load(Guid(), payload.get("guid"), "guid", required=True)


def parse(payload: Any) -> ParsedRestaurantInfo:
    """Checks a whole `RestaurantInfo` and returns the values to store."""
    guid = parse_guid(payload)
    values = _load_fields(payload, FIELDS, "")
    day_schedules = _parse_day_schedules(payload)
    keys = {schedule.key for schedule in day_schedules}
    for day in WEEKDAYS:
        key = values[f"week_{day}"]
        if key is not None and key not in keys:
            raise PayloadError(
                f"schedules.weekSchedule.{day}",
                f"{key!r} is not a key of schedules.daySchedules",
            )
    return ParsedRestaurantInfo(guid=guid, values=values, day_schedules=day_schedules)


def _parse_day_schedules(payload: JSONObject) -> list[ParsedDaySchedule]:
    schedules = _object(payload, ("schedules", "daySchedules"))
    parsed = []
    for position, (key, body) in enumerate(schedules.items()):
        path = f"schedules.daySchedules.{key}"
        _load(TEXT, key, f"{path} (key)")
        if not isinstance(body, dict):
            raise PayloadError(path, f"expected a DaySchedule object, got {body!r}")
        schedule = ParsedDaySchedule(
            key=key, position=position, values=_load_fields(body, DAY_SCHEDULE_FIELDS, path)
        )
        services = body.get("services") or []
        if not isinstance(services, list):
            raise PayloadError(f"{path}.services", f"expected a list, got {services!r}")
        for index, service in enumerate(services):
            service_path = f"{path}.services[{index}]"
            if not isinstance(service, dict):
                raise PayloadError(service_path, f"expected a Service object, got {service!r}")
            schedule.services.append(_load_fields(service, SERVICE_FIELDS, service_path))
        parsed.append(schedule)
    return parsed


def _load_fields(source: JSONObject, table: Table, prefix: str) -> dict[str, Any]:
    values = {}
    for path, attribute, kind in table:
        value = _object(source, path[:-1], prefix).get(path[-1])
        try:
            values[attribute] = None if value is None else kind.load(value)
        except ValueError as exc:
            # Named only on failure: a sync parses thousands of valid payloads.
            raise PayloadError(".".join(filter(None, [prefix, *path])), str(exc)) from exc
    return values


def _object(source: JSONObject, path: tuple[str, ...], prefix: str = "") -> JSONObject:
    """The nested object at `path`, {} when it or a parent is absent or null."""
    current: Any = source
    for depth, key in enumerate(path):
        current = current.get(key)
        if current is None:
            return {}
        if not isinstance(current, dict):
            name = ".".join(filter(None, [prefix, *path[: depth + 1]]))
            raise PayloadError(name, f"expected an object, got {current!r}")
    return current


def _load(kind: Kind, value: Any, name: str, required: bool = False) -> Any:
    if value is None:
        if required:
            raise PayloadError(name, "is missing")
        return None
    try:
        return kind.load(value)
    except ValueError as exc:
        raise PayloadError(name, str(exc)) from exc


# --- export ------------------------------------------------------------------


def export(restaurant: Restaurant) -> JSONObject:
    """`RestaurantInfo` JSON rebuilt from the models (not from a snapshot).

    Null values are left out, so the result equals the imported payload up to
    key order and absent-versus-null. Day schedules and their services should
    be prefetched by the caller.
    """
    payload: JSONObject = {"guid": str(restaurant.guid)}
    _dump_fields(payload, restaurant, FIELDS)
    day_schedules = {}
    for schedule in restaurant.day_schedules.all():
        body = _dump_fields({}, schedule, DAY_SCHEDULE_FIELDS)
        body["services"] = [
            _dump_fields({}, service, SERVICE_FIELDS) for service in schedule.services.all()
        ]
        day_schedules[schedule.key] = body
    if day_schedules:
        payload.setdefault("schedules", {})["daySchedules"] = day_schedules
    return payload


def _dump_fields(target: JSONObject, instance: object, table: Table) -> JSONObject:
    for path, attribute, kind in table:
        value = getattr(instance, attribute)
        if value is None:
            continue
        container = target
        for key in path[:-1]:
            container = container.setdefault(key, {})
        container[path[-1]] = kind.dump(value)
    return target
