from tests.platform import client, sim, simulator  # noqa: F401 - fixtures
