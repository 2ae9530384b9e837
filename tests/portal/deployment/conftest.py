from tests.platform import sim, simulator, toast  # noqa: F401 - fixtures
