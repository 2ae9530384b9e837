"""The simulated platform's data: restaurants, groups and partner connections.

Thread-safe: the HTTP threads read it while control requests change it. Each
restaurant's JSON is serialised once and kept until the restaurant changes,
so serving stays cheap.
"""

import dataclasses
import datetime
import json
import random
import threading
from dataclasses import dataclass, field

from . import captured, catalog

PROSPECT_SHARE = 0.12  # in a connected group, never connected the integration
REMOVED_SHARE = 0.05
ARCHIVED_SHARE = 0.04
# The control interface's `access` of a restaurant: connected now, connected once
# and since removed, or never connected (a prospect of a connected group).
CONNECTED, REMOVED, NEVER = ACCESS = ("connected", "removed", "never")


@dataclass
class Connection:
    restaurant_guid: str
    group_guid: str
    number: int
    name: str
    location_name: str
    created_ms: int
    modified_ms: int
    added_ms: int  # when it was last connected: that partner_added's modifiedDate
    connected: bool = True
    external_restaurant_ref: str = ""
    external_group_ref: str = ""
    revision: int = 0

    def record(self, modified_ms=None):
        """PartnerAccessExternalRep (`modified_ms`: another modifiedDate than the last)."""
        modified_ms = self.modified_ms if modified_ms is None else modified_ms
        return {
            "restaurantGuid": self.restaurant_guid,
            "managementGroupGuid": self.group_guid,
            "restaurantName": self.name,
            "locationName": self.location_name,
            "createdByEmailAddress": f"manager{self.number}@restaurant.example.com",
            "externalGroupRef": self.external_group_ref,
            "externalRestaurantRef": self.external_restaurant_ref,
            "deleted": False,
            "modifiedDate": modified_ms,
            "createdDate": self.created_ms,
            "isoModifiedDate": _iso(modified_ms),
            "isoCreatedDate": _iso(self.created_ms),
        }

    def webhook_details(self, info, modified_ms=None):
        """PartnerAccessExternalWebhookRep."""
        location = info["location"]
        return {
            **{k: v for k, v in self.record(modified_ms).items() if k != "deleted"},
            "createdByFirstName": "Alex",
            "createdByLastName": f"Manager{self.number}",
            "createdByPhoneNumber": location["phone"],
            "restaurantPhoneNumber": location["phone"],
            "restaurantCity": location["city"],
            "restaurantState": location["stateCode"],
            "restaurantZipCode": location["zipCode"],
            "restaurantLatitude": location["latitude"],
            "restaurantLongitude": location["longitude"],
            "restaurantCountryCode": location["country"],
            "restaurantTimezone": info["general"]["timeZone"],
        }


@dataclass
class World:
    seed: int
    restaurants: dict = field(default_factory=dict)  # guid -> RestaurantInfo
    connections: dict = field(default_factory=dict)  # guid -> Connection (ever connected)
    groups: dict = field(default_factory=dict)  # group guid -> [restaurant guids]
    # guid -> RestaurantAvailability, for the restaurants set by hand; the others are
    # online, as the platform says of a restaurant with no availability event.
    availability: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self):
        self.rng = random.Random(self.seed * 7919 + 1)
        self._bytes = {}
        self.on_change = None  # called with the world, under its lock, after each change

    @classmethod
    def generate(cls, seed, restaurants, groups):
        rng = random.Random(seed)
        world = cls(seed)
        group_guids = [catalog.guid(rng) for _ in range(max(1, groups))]
        base_ms = int(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC).timestamp() * 1000)
        for number in range(restaurants):
            group = group_guids[number % len(group_guids)]
            archived = rng.random() < ARCHIVED_SHARE
            info = catalog.restaurant_info(rng, number, group, archived=archived)
            world._add(info, number, base_ms + number * 3_600_000, rng)
        return world

    def _add(self, info, number, created_ms, rng):
        guid = info["guid"]
        connection_group = info["general"]["managementGroupGuid"]
        self.restaurants[guid] = info
        self.groups.setdefault(info["general"]["managementGroupGuid"], []).append(guid)
        roll = rng.random()
        if roll < PROSPECT_SHARE and number % 5:  # the group's first restaurant always connects
            return
        self.connections[guid] = Connection(
            restaurant_guid=guid,
            group_guid=info["general"]["managementGroupGuid"],
            number=number,
            name=info["general"]["name"],
            location_name=info["general"]["locationName"],
            created_ms=created_ms,
            modified_ms=created_ms,
            added_ms=created_ms,
            connected=roll >= PROSPECT_SHARE + REMOVED_SHARE,
            external_restaurant_ref=f"store-{number:05d}",
            external_group_ref=f"group-{list(self.groups).index(connection_group) + 1}",
        )

    def state(self):
        """Everything that makes this world, as JSON data (state_file.py keeps it)."""
        with self.lock:
            version, internal, gauss = self.rng.getstate()
            return {
                "seed": self.seed,
                "rng": [version, list(internal), gauss],
                "restaurants": self.restaurants,
                "groups": self.groups,
                "connections": {g: dataclasses.asdict(c) for g, c in self.connections.items()},
                "availability": self.availability,
            }

    @classmethod
    def from_state(cls, data):
        world = cls(data["seed"])
        world.restaurants = data["restaurants"]
        world.groups = data["groups"]
        world.connections = {g: Connection(**c) for g, c in data["connections"].items()}
        world.availability = data.get("availability", {})  # absent from older state files
        version, internal, gauss = data["rng"]
        # Where it left off: a restaurant created after a restart gets a new GUID.
        world.rng.setstate((version, tuple(internal), gauss))
        return world

    def _changed(self):
        if self.on_change:
            self.on_change(self)

    # Reads -------------------------------------------------------------------
    def info_bytes(self, guid, captured_shape=False):
        """The restaurant's `RestaurantInfo` as the API answers it; with `captured_shape`
        (Published.captured_deviations) some restaurants' as captured ones look."""
        shaped = captured_shape and captured.applies(guid)
        with self.lock:
            data = self._bytes.get((guid, shaped))
            if data is None:
                info = self.restaurants[guid]
                body = captured.deviate(info) if shaped else info
                data = self._bytes[guid, shaped] = json.dumps(body).encode()
            return data

    def is_connected(self, guid):
        connection = self.connections.get(guid)
        return bool(connection and connection.connected)

    def is_archived(self, guid):
        return bool(self.restaurants[guid]["general"]["archived"])

    def connected_records(self, since_ms=None):
        with self.lock:
            rows = [
                c.record()
                for c in sorted(self.connections.values(), key=lambda c: c.restaurant_guid)
                if c.connected and (since_ms is None or c.modified_ms > since_ms)
            ]
        return rows

    def overview(self):
        with self.lock:
            return [
                {
                    "guid": guid,
                    "managementGroupGuid": info["general"]["managementGroupGuid"],
                    "access": self.access(guid),
                    "archived": bool(info["general"]["archived"]),
                }
                for guid, info in self.restaurants.items()
            ]

    def availability_of(self, guid):
        """The restaurant's `RestaurantAvailability`."""
        with self.lock:
            return self.availability.get(guid) or availability_record(guid, True)

    def access(self, guid):
        """The integration's access to the restaurant, one of ACCESS."""
        connection = self.connections.get(guid)
        if connection is None:
            return NEVER
        return CONNECTED if connection.connected else REMOVED

    # Changes -----------------------------------------------------------------
    def create(self, group=None):
        """A new restaurant that connects right away; returns its Connection."""
        with self.lock:
            number = len(self.restaurants)
            group = group or self.rng.choice(list(self.groups))
            info = catalog.restaurant_info(self.rng, number, group)
            self.restaurants[info["guid"]] = info
            self.groups.setdefault(group, []).append(info["guid"])
            return self.connect(info["guid"])

    def connect(self, guid):
        with self.lock:
            info = self.restaurants[guid]
            connection = self.connections.get(guid)
            if connection is None:
                connection = self.connections[guid] = Connection(
                    restaurant_guid=guid,
                    group_guid=info["general"]["managementGroupGuid"],
                    number=len(self.connections),
                    name=info["general"]["name"],
                    location_name=info["general"]["locationName"],
                    created_ms=_now_ms(),
                    modified_ms=_now_ms(),
                    added_ms=_now_ms(),
                )
            connection.connected = True
            connection.modified_ms = connection.added_ms = _now_ms()
            self._changed()
            return connection

    def update(self, guid):
        with self.lock:
            connection = self.connections[guid]
            connection.revision += 1
            connection.external_restaurant_ref = (
                f"store-{connection.number:05d}-r{connection.revision}"
            )
            connection.modified_ms = _now_ms()
            self._changed()
            return connection

    def remove(self, guid):
        with self.lock:
            connection = self.connections[guid]
            connection.connected = False
            connection.modified_ms = _now_ms()
            self._changed()
            return connection

    def set_availability(self, guid, online, reason=None):
        """Takes the restaurant online or offline; returns its `RestaurantAvailability`."""
        with self.lock:
            record = self.availability[guid] = availability_record(guid, online, reason)
            self._changed()
            return record

    def change(self, guid):
        with self.lock:
            what = catalog.change(self.rng, self.restaurants[guid])
            for shaped in (False, True):
                self._bytes.pop((guid, shaped), None)
            self._changed()
            return what


def availability_record(guid, online, reason=None):
    """A `RestaurantAvailability` as the API answers it and the webhook's details carry it."""
    default = (
        "Restaurant can accept online orders"
        if online
        else ("Restaurant cannot accept online orders")
    )
    return {
        "restaurantGuid": guid,
        "status": "ONLINE" if online else "OFFLINE",
        "reasonKey": "AVAILABILITY_ONLINE" if online else "AVAILABILITY_OFFLINE",
        "reason": default if reason is None else reason,
    }


def _now_ms():
    return int(datetime.datetime.now(datetime.UTC).timestamp() * 1000)


def _iso(millis):
    moment = datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
