"""The host's world: running slots on time, the platforms, chat and orders, and the app factory."""
