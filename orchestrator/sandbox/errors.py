"""The error bodies each fake service answers with, shaped like the real ones."""

from __future__ import annotations

from typing import Any

# Google's canonical status names, carried in `error.status`.
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class SandboxError(Exception):
    """Base of the errors the sandbox turns into HTTP answers."""

    status: int
    headers: dict[str, str] = {}  # noqa: RUF012 - read-only default, replaced per instance

    def body(self) -> dict[str, Any]:
        """Return the JSON body the real service would send."""
        raise NotImplementedError


class YouTubeError(SandboxError):
    """A YouTube Data API error: HTTP status, reason and domain as Google sends them."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        domain: str = "youtube.api",
        location: str | None = None,
        location_type: str = "parameter",
    ) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain
        self.location = location
        self.location_type = location_type

    def body(self) -> dict[str, Any]:
        """Return Google's `{"error": {...}}` body."""
        detail: dict[str, Any] = {
            "message": self.message,
            "domain": self.domain,
            "reason": self.reason,
        }
        if self.location:
            detail["location"] = self.location
            detail["locationType"] = self.location_type
        return {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [detail],
                "status": _GOOGLE_STATUS.get(self.status, "UNKNOWN"),
            }
        }


class ZoomError(SandboxError):
    """A Zoom API error: HTTP status plus Zoom's numeric code and message."""

    def __init__(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return Zoom's `{"code", "message"}` body."""
        return {"code": self.code, "message": self.message}


class OAuthError(SandboxError):
    """An error from Zoom's token endpoint, which speaks OAuth (`error`, `reason`)."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(f"{status} {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason

    def body(self) -> dict[str, Any]:
        """Return the OAuth error body."""
        return {"reason": self.reason, "error": self.error}


def required(name: str) -> YouTubeError:
    """Build Google's error for a missing required parameter."""
    return YouTubeError(
        400, "required", f"Required parameter: {name}", domain="global", location=name
    )


def bad_value(name: str, message: str) -> YouTubeError:
    """Build Google's error for a parameter or field with a bad value."""
    return YouTubeError(400, "invalidValue", message, location=name)
