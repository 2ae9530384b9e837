"""The simulated platform's data: restaurants, groups and partner connections.

Thread-safe: the HTTP threads read it while control requests change it. A
restaurant's RestaurantInfo is made from the seed when it is read (see World),
so the platform's whole size (150,000) fits in a few hundred MiB.
"""

import collections
import dataclasses
import datetime
import json
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import captured, catalog

PROSPECT_SHARE = 0.12  # in a connected group, never connected the integration
REMOVED_SHARE = 0.05
ARCHIVED_SHARE = 0.04
# The control interface's `access` of a restaurant: connected now, connected once
# and since removed, or never connected (a prospect of a connected group).
CONNECTED, REMOVED, NEVER = ACCESS = ("connected", "removed", "never")
BASE_MS = int(datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC).timestamp() * 1000)
# Restaurant `number` connected this long after the one before: 150,000 of them
# all in the past (an hour apart, most were in the future, and a poll with
# lastModified listed them all as changed).
CONNECTED_EVERY_MS = 600_000
# Serialised answers kept for the restaurants read last (about 3 KB each): a
# sync's repeated reads of a few thousand are served without making them again.
SERVED_KEPT = 5000


@dataclass(slots=True)
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
    """Restaurant `number` of a seed's world is made from its own random stream
    (`_stream`), so any one is made again on demand and no RestaurantInfo is held:
    150,000 of them took about 1.6 GiB held, 170 MiB with only the index and the
    connections. Restaurants changed or created through the control interface are
    held whole (`edited`), as are the serialised answers most recently served."""

    seed: int
    group_guids: list = field(default_factory=list)
    index: dict = field(default_factory=dict)  # generated restaurant's guid -> number
    edited: dict = field(default_factory=dict)  # guid -> RestaurantInfo changed or created
    archived: set = field(default_factory=set)  # generated restaurants archived
    connections: dict = field(default_factory=dict)  # guid -> Connection (ever connected)
    groups: dict = field(default_factory=dict)  # group guid -> [restaurant guids]
    # guid -> RestaurantAvailability, for the restaurants set by hand; the others are
    # online, as the platform says of a restaurant with no availability event.
    availability: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self):
        self.rng = random.Random(self.seed * 7919 + 1)
        self.restaurants = Restaurants(self)
        self._bytes = collections.OrderedDict()
        self.touched = set()  # connections changed since generated: the state file keeps them
        self.version = 0  # counts changes, so a listing's cached filter knows it is current
        self._listing = (None, None, [])  # (version, since_ms, connections) last listed
        self._sorted = None  # connections in GUID order, until one is added
        self.on_change = None  # called with the world, under its lock, after each change

    @classmethod
    def generate(cls, seed, restaurants, groups):
        rng = random.Random(seed)
        world = cls(seed, group_guids=[catalog.guid(rng) for _ in range(max(1, groups))])
        for number in range(restaurants):
            info, roll = world._generated(number)
            world._add(info, number, roll)
        return world

    def _generated(self, number):
        """Restaurant `number`'s RestaurantInfo and its connection's roll."""
        rng = random.Random((self.seed << 32) | number)
        group = self.group_guids[number % len(self.group_guids)]
        archived = rng.random() < ARCHIVED_SHARE
        info = catalog.restaurant_info(rng, number, group, archived=archived)
        return info, rng.random()

    def _add(self, info, number, roll):
        guid = info["guid"]
        general = info["general"]
        self.index[guid] = number
        if general["archived"]:
            self.archived.add(guid)
        self.groups.setdefault(general["managementGroupGuid"], []).append(guid)
        if roll < PROSPECT_SHARE and number % 5:  # the group's first restaurant always connects
            return
        created_ms = BASE_MS + number * CONNECTED_EVERY_MS
        self.connections[guid] = Connection(
            restaurant_guid=guid,
            group_guid=general["managementGroupGuid"],
            number=number,
            name=general["name"],
            location_name=general["locationName"],
            created_ms=created_ms,
            modified_ms=created_ms,
            added_ms=created_ms,
            connected=roll >= PROSPECT_SHARE + REMOVED_SHARE,
            external_restaurant_ref=f"store-{number:05d}",
            # Groups take turns, so a group's rank is the number's remainder.
            external_group_ref=f"group-{number % len(self.group_guids) + 1}",
        )

    def info(self, guid):
        """A RestaurantInfo of its own (changing it changes nothing); KeyError if none."""
        edited = self.edited.get(guid)
        if edited is not None:
            return edited
        info, _ = self._generated(self.index[guid])
        return info

    def state(self):
        """What makes this world beside its seed and size, as JSON data (state_file.py)."""
        with self.lock:
            version, internal, gauss = self.rng.getstate()
            return {
                "seed": self.seed,
                "restaurants": len(self.index),
                "groups": len(self.group_guids),
                "rng": [version, list(internal), gauss],
                "edited": self.edited,
                "connections": {g: dataclasses.asdict(self.connections[g]) for g in self.touched},
                "availability": self.availability,
            }

    @classmethod
    def from_state(cls, data):
        world = cls.generate(data["seed"], data["restaurants"], data["groups"])
        for guid, info in data["edited"].items():
            world.edited[guid] = info
            if guid not in world.index:  # created through the control interface
                world.groups.setdefault(info["general"]["managementGroupGuid"], []).append(guid)
        for guid, connection in data["connections"].items():
            world.connections[guid] = Connection(**connection)
            world.touched.add(guid)
        world.availability = data["availability"]
        version, internal, gauss = data["rng"]
        # Where it left off: a restaurant created after a restart gets a new GUID.
        world.rng.setstate((version, tuple(internal), gauss))
        return world

    @classmethod
    def from_version_1(cls, data):
        """A world kept whole by the simulator before version 2 (every restaurant in the
        file): its GUIDs are not those the seed makes now, so all of it counts as edited."""
        world = cls(data["seed"], group_guids=list(data["groups"]), groups=data["groups"])
        world.edited = data["restaurants"]
        world.connections = {g: Connection(**c) for g, c in data["connections"].items()}
        world.touched = set(world.connections)
        world.availability = data.get("availability", {})  # absent from older state files
        version, internal, gauss = data["rng"]
        world.rng.setstate((version, tuple(internal), gauss))
        return world

    def _changed(self):
        self.version += 1
        if self.on_change:
            self.on_change(self)

    # Reads -------------------------------------------------------------------
    def info_bytes(self, guid, captured_shape=False):
        """The restaurant's `RestaurantInfo` as the API answers it; with `captured_shape`
        (Published.captured_deviations) some restaurants' as captured ones look."""
        shaped = captured_shape and captured.applies(guid)
        key = guid, shaped
        with self.lock:
            data = self._bytes.get(key)
            if data is not None:
                self._bytes.move_to_end(key)
                return data
            info = self.info(guid)
            data = self._bytes[key] = json.dumps(
                captured.deviate(info) if shaped else info
            ).encode()
            if len(self._bytes) > SERVED_KEPT:
                self._bytes.popitem(last=False)
            return data

    def is_connected(self, guid):
        connection = self.connections.get(guid)
        return bool(connection and connection.connected)

    def is_archived(self, guid):
        edited = self.edited.get(guid)
        return bool(edited["general"]["archived"]) if edited else guid in self.archived

    def group_of(self, guid):
        edited = self.edited.get(guid)
        if edited:
            return edited["general"]["managementGroupGuid"]
        return self.group_guids[self.index[guid] % len(self.group_guids)]

    def connected_records(self, since_ms=None):
        """The connected restaurants' partner records in GUID order, made as they are read
        (the pages of one listing share one filtering of the connections)."""
        with self.lock:
            version, since, rows = self._listing
            if (version, since) != (self.version, since_ms):
                if self._sorted is None:
                    self._sorted = sorted(self.connections.values(), key=_by_guid)
                rows = [
                    c
                    for c in self._sorted
                    if c.connected and (since_ms is None or c.modified_ms > since_ms)
                ]
                self._listing = (self.version, since_ms, rows)
        return Records(rows)

    def overview(self):
        with self.lock:
            return [
                {
                    "guid": guid,
                    "managementGroupGuid": self.group_of(guid),
                    "access": self.access(guid),
                    "archived": self.is_archived(guid),
                }
                for guid in self.restaurants
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
            self.edited[info["guid"]] = info
            self.groups.setdefault(group, []).append(info["guid"])
            return self.connect(info["guid"])

    def connect(self, guid):
        with self.lock:
            info = self.info(guid)
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
                self._sorted = None
            connection.connected = True
            connection.modified_ms = connection.added_ms = _now_ms()
            return self._touched(connection)

    def update(self, guid):
        with self.lock:
            connection = self.connections[guid]
            connection.revision += 1
            connection.external_restaurant_ref = (
                f"store-{connection.number:05d}-r{connection.revision}"
            )
            connection.modified_ms = _now_ms()
            return self._touched(connection)

    def remove(self, guid):
        with self.lock:
            connection = self.connections[guid]
            connection.connected = False
            connection.modified_ms = _now_ms()
            return self._touched(connection)

    def _touched(self, connection):
        self.touched.add(connection.restaurant_guid)
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
            info = self.edited[guid] = self.info(guid)
            what = catalog.change(self.rng, info)
            for shaped in (False, True):
                self._bytes.pop((guid, shaped), None)
            self._changed()
            return what


class Restaurants(Mapping):
    """The world's restaurants by GUID, each RestaurantInfo made when it is read."""

    def __init__(self, world):
        self.world = world

    def __getitem__(self, guid):
        return self.world.info(guid)

    def __contains__(self, guid):
        return guid in self.world.index or guid in self.world.edited

    def __iter__(self):
        world = self.world
        yield from world.index
        yield from (guid for guid in world.edited if guid not in world.index)

    def __len__(self):
        world = self.world
        return len(world.index) + sum(1 for guid in world.edited if guid not in world.index)


class Records(Sequence):
    """Partner records of a list of connections, each made when it is read."""

    def __init__(self, connections):
        self.connections = connections

    def __len__(self):
        return len(self.connections)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [c.record() for c in self.connections[position]]
        return self.connections[position].record()


def _by_guid(connection):
    return connection.restaurant_guid


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
