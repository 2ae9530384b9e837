"""A faithful local stand-in for the Toast platform API (see server.py)."""

from .config import Faults, Published, SimulatorConfig
from .server import Simulator

__all__ = ["Faults", "Published", "Simulator", "SimulatorConfig"]
