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
    """Rows of (method, [True/False/None per order type]); None where the option does not exist."""
    rows = []
    for label, method in METHODS:
        cells = [
            "n/a" if (kind, method) in MISSING else getattr(restaurant, f"{kind}_{method}")
            for _, kind in ORDER_TYPES
        ]
        rows.append((label, cells))
    return rows
