"""Rehearsal: play a whole event against the sandbox faster than real time, and report."""
