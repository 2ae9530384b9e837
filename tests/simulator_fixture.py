"""A simulator for any test: `with running_simulator(restaurants=10) as sim: sim.url`."""

import contextlib

from integrations.simulator import Faults, Simulator, SimulatorConfig


@contextlib.contextmanager
def running_simulator(faults=None, **config):
    simulator = Simulator(SimulatorConfig(port=0, faults=faults or Faults(), **config))
    with simulator:
        yield simulator
