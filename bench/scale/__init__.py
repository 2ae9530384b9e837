"""`make bench-scale`: the platform's whole size (issue 20) on PostgreSQL + Redis.

`python -m bench.scale [module ...]` runs every module of this package (or the
ones named) that defines

    def run(report: Report, size: int) -> None

`size` is the number of restaurants the scenario simulates (the environment's
BENCH_SCALE_RESTAURANTS, 150,000 unless it says otherwise; 10,000 is a quick
run). `report(name, value, goal, unit="")` prints one figure at once, as

    name: value unit (goal: <goal>) ok|MISSED

where `goal` is a comparison and a number, e.g. "<= 1.2" or ">= 3" (a ratio
against a floor measured in the same run, or a percentile against its bound,
such as "<= 300" with unit "ms"); a goal of any other form is printed with no
verdict. A scenario runs against a fresh database of its own on the server of
TEST_POSTGRES_URL and against TEST_REDIS_URL (REDIS_URL and DATABASE_URL are set
for the processes it starts), with Django set up; it may start simulators and
`qcluster` processes (tests/platform.py) and must stop them. The runner prints
why it skips everything when PostgreSQL or Redis does not answer.
"""

from collections.abc import Callable

Report = Callable[..., None]
