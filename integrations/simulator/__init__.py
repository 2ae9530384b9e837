"""A faithful local stand-in for the Toast platform API (see server.py)."""

from .config import Faults, SimulatorConfig
from .server import Simulator

__all__ = ["Faults", "Simulator", "SimulatorConfig"]
