"""The prep times and throttling table: minutes per order type, as the platform sends them."""

from restaurants.payments import ORDER_TYPES

# (column label, the field's name after the order type: delivery_prep_time, ...)
COLUMNS = [
    ("Prep time", "prep_time"),
    ("After open", "time_after_open"),
    ("Before close", "time_before_close"),
    ("Throttling", "throttling_time"),
]


def rows(restaurant):
    """(order type, [minutes or None per column]) for each order type."""
    return [
        (label, [getattr(restaurant, f"{kind}_{column}") for _, column in COLUMNS])
        for label, kind in ORDER_TYPES
    ]
