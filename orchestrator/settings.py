"""Settings: flags, then environment (``PASAR_*``), then a config file, then defaults.

A bad value stops start-up with the setting's name and what is wrong, before anything
is opened. Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any


class SettingsError(Exception):
    """A setting has a value the service cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the service can be told at start-up."""

    host: str = "127.0.0.1"
    port: int = 8080
    overlay_port: int = 8081
    db: Path = Path("data/pasar.db")
    event: Path | None = None
    demo: bool = True
    demo_lead_seconds: int = 60
    # Make the example event's product photos at its first start (a few seconds).
    demo_photos: bool = True
    public_url: str = ""
    organiser_token: str = ""
    host_token: str = ""
    youtube_token_file: Path | None = None
    zoom_account_id: str = ""
    zoom_client_id: str = ""
    zoom_client_secret: str = ""
    zoom_webhook_secret: str = ""
    audience_rate: float = 0.5
    # Of the sandbox audience's viewers who claim, the share who go on to check out and pay
    # (demo and rehearsal only: the sandbox's simulated buyers).
    buyers: float = 0.3
    # Simulated vendors confirm, pack, ship and quote on their desks (demo and rehearsal).
    vendors_sim: bool = True
    platforms: bool = True
    sandbox_url: str = ""
    platform_lead_minutes: float = 15.0
    chat_announcements: bool = True
    # YouTube chat: "stream" (liveChatMessages.streamList over gRPC) or "poll" (list);
    # the units one stream open costs (undocumented by Google); where streams go.
    youtube_chat: str = "stream"
    youtube_stream_cost: int = 5
    youtube_stream_target: str = ""
    log_level: str = "INFO"
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto we believe (comma-separated).
    trusted_proxies: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_youtube_credentials(self) -> bool:
        return self.youtube_token_file is not None

    @property
    def has_zoom_credentials(self) -> bool:
        return bool(self.zoom_account_id and self.zoom_client_id and self.zoom_client_secret)

    @cached_property  # read on every unsafe request: split the setting once
    def trusted_proxy_set(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


_NAMES = {f.name for f in fields(Settings)} - {"extra"}


def load_settings(
    flags: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the four sources, highest first, and check every value."""
    environ = os.environ if environ is None else environ
    config_file = config_file or _path_or_none(environ.get("PASAR_CONFIG"))
    merged: dict[str, Any] = {}
    if config_file is not None:
        merged.update(_read_config(config_file))
    for name in _NAMES:
        value = environ.get(f"PASAR_{name.upper()}")
        if value not in (None, ""):
            merged[name] = value
    merged.update({k: v for k, v in flags.items() if v is not None and k in _NAMES})
    return _coerce(merged)


def _path_or_none(value: str | None) -> Path | None:
    return Path(value) if value else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SettingsError(f"config: file {path} tidak ditemukan (not found)") from err
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"config: {path} bukan TOML yang benar: {err}") from err
    unknown = sorted(set(data) - _NAMES)
    if unknown:
        raise SettingsError(f"config: {path}: pengaturan tidak dikenal (unknown): {unknown}")
    return data


def _coerce(values: Mapping[str, Any]) -> Settings:
    settings = Settings()
    changes: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in values:
            changes[f.name] = _convert(f.name, values[f.name], getattr(settings, f.name))
    settings = replace(settings, **changes)
    _check(settings)
    return settings


def _convert(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return _to_bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, Path) or name in ("event", "youtube_token_file"):
            return Path(value)
        return str(value)
    except (TypeError, ValueError) as err:
        raise SettingsError(f"{name}: nilai {value!r} tidak bisa dipakai ({err})") from err


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "ya", "on"):
        return True
    if text in ("0", "false", "no", "tidak", "off"):
        return False
    raise ValueError("pakai true/false")


def _check(s: Settings) -> None:
    for name in ("port", "overlay_port"):
        if not 0 <= getattr(s, name) <= 65535:
            raise SettingsError(f"{name}: {getattr(s, name)} di luar 0-65535 (out of range)")
    if s.event is not None and not s.event.exists():
        raise SettingsError(f"event: file {s.event} tidak ditemukan (not found)")
    if s.public_url and not s.public_url.startswith(("http://", "https://")):
        raise SettingsError(f"public_url: {s.public_url!r} harus diawali http:// atau https://")
    if s.sandbox_url and not s.sandbox_url.startswith(("http://", "https://")):
        raise SettingsError(f"sandbox_url: {s.sandbox_url!r} harus diawali http:// atau https://")
    if s.platform_lead_minutes < 0:
        raise SettingsError("platform_lead_minutes: tidak boleh negatif (must be >= 0)")
    if s.audience_rate < 0:
        raise SettingsError("audience_rate: tidak boleh negatif (must be >= 0)")
    if not 0 <= s.buyers <= 1:
        raise SettingsError(f"buyers: {s.buyers} di luar 0..1 (a share, 0 to 1)")
    if s.demo_lead_seconds < 0:
        raise SettingsError("demo_lead_seconds: tidak boleh negatif (must be >= 0)")
    partial = [s.zoom_account_id, s.zoom_client_id, s.zoom_client_secret]
    if any(partial) and not all(partial):
        raise SettingsError(
            "zoom_account_id/zoom_client_id/zoom_client_secret: isi ketiganya atau kosongkan"
            " semuanya (set all three Server-to-Server OAuth values, or none for the sandbox)"
        )
    if s.youtube_token_file is not None and not s.youtube_token_file.exists():
        raise SettingsError(
            f"youtube_token_file: {s.youtube_token_file} tidak ada; jalankan"
            " `pasar-live auth youtube --client-secrets FILE` dulu"
        )
    if s.youtube_chat not in ("stream", "poll"):
        raise SettingsError(f"youtube_chat: {s.youtube_chat!r} harus stream atau poll")
    if s.youtube_stream_cost < 1:
        raise SettingsError("youtube_stream_cost: minimal 1 (must be >= 1)")
    if s.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"log_level: {s.log_level!r} bukan DEBUG/INFO/WARNING/ERROR")
