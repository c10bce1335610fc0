"""The Zoom chat webhook runs in the whole app: the orders tests' app fixtures serve it too."""

from tests.orchestrator.orders.conftest import client, clock, event  # noqa: F401
