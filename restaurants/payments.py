"""The payment options matrix: how guests can pay, per order type."""

METHODS = [
    ("Cash", "cash"),
    ("Card, same day", "cc_same_day"),
    ("Card, future order", "cc_future"),
    ("Card in store", "cc_in_store"),
]
ORDER_TYPES = [("Delivery", "delivery"), ("Takeout", "takeout")]
# The platform has no in-store card option for delivery.
MISSING = {("delivery", "cc_in_store")}
# Every option guests ordering online may be offered: the matrix's cells, and
# what the onboarding checklist's "payment options" item looks at.
FIELDS = tuple(
    f"{kind}_{method}"
    for _, kind in ORDER_TYPES
    for _, method in METHODS
    if (kind, method) not in MISSING
)


def matrix(restaurant):
    """Rows of (method, [a cell per order type]): True, False or None (not sent) as the
    platform says; "n/a" where the option does not exist, "off" for delivery options of
    a restaurant that does not deliver (the platform may still send them as on)."""
    rows = []
    for label, method in METHODS:
        cells = [_cell(restaurant, kind, method) for _, kind in ORDER_TYPES]
        rows.append((label, cells))
    return rows


def _cell(restaurant, kind, method):
    if (kind, method) in MISSING:
        return "n/a"
    if kind == "delivery" and restaurant.delivery_enabled is False:
        return "off"
    return getattr(restaurant, f"{kind}_{method}")
