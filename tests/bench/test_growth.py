"""The growth scenario's per-row cost: the slope between two samples, so that what a table
holds at any size (an index's first pages, a trigram index's keys) is not counted per row."""

from bench.scale.growth import cost


def test_a_rows_cost_is_the_slope_between_two_samples():
    # 1 MB fixed + 500 bytes a row, measured at 1,000 and 3,000 rows.
    small = ((1_000_000 + 500 * 1_000) / 1_000, 1_000)
    large = ((1_000_000 + 500 * 3_000) / 3_000, 3_000)
    assert cost(small, large) == (500, 3_000)


def test_a_table_that_did_not_grow_keeps_its_own_figure():
    assert cost((140.0, 2), (150.0, 2)) == (150.0, 2)
    assert cost(None, (104.0, 16)) == (104.0, 16)
