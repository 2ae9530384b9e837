"""The payment options matrix: how guests can pay, per order type."""

METHODS = [
    ("Cash", "cash"),
    ("Card, same day", "cc_same_day"),
    ("Card, future order", "cc_future"),
    ("Card in store", "cc_in_store"),
]
ORDER_TYPES = [("Delivery", "delivery"), ("Takeout", "takeout")]


def matrix(restaurant):
    """Rows of (method, [True/False/None per order type]); None where the option does not exist."""
    rows = []
    for label, method in METHODS:
        cells = [getattr(restaurant, f"{kind}_{method}", None) for _, kind in ORDER_TYPES]
        if method == "cc_in_store":
            cells[0] = "n/a"  # the platform has no in-store card option for delivery
        rows.append((label, cells))
    return rows
