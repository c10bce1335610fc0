"""The shared kernel under the three rooms: database, pages, errors, time, clocks, keys, QRIS.

`schedules`, `overlays` and `orchestrator` may all import it; it imports none of them.
"""
