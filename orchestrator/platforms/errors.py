"""Our exceptions for YouTube and Zoom failures, each carrying the API's own reason.

The adapters translate library errors (googleapiclient's ``HttpError``, zoomus' raw
``requests.Response``, socket time-outs) into these, so the manager, the panel and the
chat poller decide on one vocabulary: ``reason`` is YouTube's ``errors[0].reason`` or
Zoom's numeric ``code`` as text, ``retryable`` says whether backing off can help, and
``ambiguous`` says the work may have happened even though no answer came back.
"""

from __future__ import annotations

from typing import Any

# Reasons for which waiting and asking again can succeed.
RETRYABLE_REASONS = frozenset(
    {
        "rateLimitExceeded",
        "userRateLimitExceeded",
        "backendError",
        "internalError",
        "timeout",
        "unreachable",
    }
)
# Reasons that waiting will never fix today (quota comes back at Pacific midnight).
NEVER_RETRY = frozenset({"quotaExceeded", "dailyLimitExceeded"})


class PlatformError(Exception):
    """A YouTube or Zoom call failed; ``reason`` is the API's word for why."""

    def __init__(
        self,
        platform: str,
        reason: str,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{platform} {status or '-'} {reason}: {message}")
        self.platform = platform
        self.reason = reason
        self.message = message
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Tell whether backing off and asking again can help."""
        if self.reason in NEVER_RETRY:
            return False
        if self.reason in RETRYABLE_REASONS:
            return True
        return self.status is not None and (self.status >= 500 or self.status == 429)

    @property
    def ambiguous(self) -> bool:
        """Tell whether the request may have done its work (so a create must look first)."""
        return self.reason in ("timeout", "unreachable") or (
            self.status is not None and self.status >= 500
        )

    def as_dict(self) -> dict[str, Any]:
        """Describe the error for the panel and the status feed."""
        return {
            "platform": self.platform,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
        }


class YouTubeApiError(PlatformError):
    """YouTube answered with an error; ``reason`` is ``error.errors[0].reason``."""

    def __init__(
        self, reason: str, message: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__("youtube", reason, message, status, retry_after)


class QuotaExhausted(YouTubeApiError):
    """Today's YouTube quota is spent (by YouTube's answer or by our own count)."""

    def __init__(self, message: str = "YouTube quota for today is used up") -> None:
        super().__init__("quotaExceeded", message, 403)


class ZoomApiError(PlatformError):
    """Zoom answered with an error; ``code`` is Zoom's numeric code (``reason`` as text)."""

    def __init__(
        self, status: int, code: int | None, message: str, retry_after: float | None = None
    ) -> None:
        reason = str(code if code is not None else status)
        super().__init__("zoom", reason, message, status, retry_after)
        self.code = code


class PlatformTimeout(PlatformError):
    """No answer in time: the call may or may not have done its work."""

    def __init__(self, platform: str, message: str) -> None:
        super().__init__(platform, "timeout", message)


class PlatformUnreachable(PlatformError):
    """The service could not be reached at all (refused, reset, DNS)."""

    def __init__(self, platform: str, message: str) -> None:
        super().__init__(platform, "unreachable", message)


class StreamNotActive(PlatformError):
    """The YouTube stream did not receive video from Zoom before the deadline."""

    def __init__(self, message: str) -> None:
        super().__init__("youtube", "streamInactive", message)
