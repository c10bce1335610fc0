"""Seeded fault injection: server errors, throttling, slow answers, time-outs, early quota."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from .times import zoom_time

RETRY_AFTER_FORMS = ("seconds", "http-date", "iso", "absent", "mixed")


@dataclass(frozen=True)
class Fault:
    """One decision: what goes wrong with one request."""

    kind: str  # "error", "throttle", "timeout" or "delay"
    delay: float = 0.0
    retry_after_form: str = "absent"


@dataclass
class Faults:
    """How often each fault happens; one seeded RNG so a failing run can be replayed."""

    seed: int = 0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    timeout_rate: float = 0.0
    delay_rate: float = 0.0
    delay_seconds: float = 0.5
    timeout_seconds: float = 30.0
    error_status: int = 503
    retry_after: str = "seconds"
    retry_after_seconds: int = 2
    quota_after: int | None = None
    include_oauth: bool = False
    apis: frozenset[str] = frozenset({"youtube", "zoom"})
    log: list[tuple[str, str, str, str]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.retry_after not in RETRY_AFTER_FORMS:
            raise ValueError(
                f"retry_after must be one of {', '.join(RETRY_AFTER_FORMS)}, "
                f"got {self.retry_after!r}"
            )
        total = self.error_rate + self.throttle_rate + self.timeout_rate + self.delay_rate
        if not 0.0 <= total <= 1.0:
            raise ValueError(f"fault rates must add up to between 0 and 1, got {total}")
        self._rng = random.Random(self.seed)

    @classmethod
    def uniform(cls, rate: float, seed: int = 0, **overrides: Any) -> Faults:
        """Spread one overall fault rate over errors, throttling and slow answers."""
        return cls(
            seed=seed,
            error_rate=rate * 0.4,
            throttle_rate=rate * 0.4,
            delay_rate=rate * 0.2,
            **overrides,
        )

    def applies_to(self, api: str) -> bool:
        """Tell whether requests to this API can be faulted."""
        return api in self.apis or (api == "oauth" and self.include_oauth)

    def decide(self, api: str, method: str, path: str) -> Fault | None:
        """Draw the fate of one request: exactly one draw per request keeps runs replayable."""
        if not self.applies_to(api):
            return None
        draw = self._rng.random()
        fault = self._pick(draw)
        if fault is not None:
            self.log.append((api, method, path, fault.kind))
        return fault

    def _pick(self, draw: float) -> Fault | None:
        """Map a draw in [0, 1) onto the configured rates."""
        bands = (
            ("error", self.error_rate),
            ("throttle", self.throttle_rate),
            ("timeout", self.timeout_rate),
            ("delay", self.delay_rate),
        )
        edge = 0.0
        for kind, rate in bands:
            low, edge = edge, edge + rate
            if draw < edge:
                return self._make(kind, (draw - low) / rate)
        return None

    def _make(self, kind: str, within: float) -> Fault:
        """Build the fault; `within` (0-1, the draw's place in its band) picks mixed forms."""
        if kind == "timeout":
            return Fault(kind, delay=self.timeout_seconds)
        if kind == "delay":
            return Fault(kind, delay=self.delay_seconds)
        form = self.retry_after
        if form == "mixed":
            form = RETRY_AFTER_FORMS[min(3, int(within * 4))]
        return Fault(kind, retry_after_form=form)

    def retry_after_header(self, form: str, now: datetime) -> dict[str, str]:
        """Return the Retry-After header in the requested form (or none)."""
        later = now.astimezone(UTC) + timedelta(seconds=self.retry_after_seconds)
        if form == "seconds":
            return {"Retry-After": str(self.retry_after_seconds)}
        if form == "http-date":
            return {"Retry-After": format_datetime(later.replace(microsecond=0), usegmt=True)}
        if form == "iso":
            return {"Retry-After": zoom_time(later)}
        return {}
