"""Benchmarks: `make bench` runs every module listed in bench.__main__.MODULES.

Each module exposes `run() -> list[(name, value, goal)]`; values are ratios
against a floor measured in the same run, so they hold on any machine.
"""
