"""The streaming chat's settings: stream by default, poll on request, bad values refused."""

from __future__ import annotations

import pytest

from orchestrator.settings import SettingsError, load_settings


def test_defaults_stream_at_five_units_an_open():
    """Without settings the chat streams, each open counted at 5 units."""
    settings = load_settings({}, {})
    assert (settings.youtube_chat, settings.youtube_stream_cost) == ("stream", 5)


def test_environment_switches_streaming_off():
    """PASAR_YOUTUBE_CHAT=poll and PASAR_YOUTUBE_STREAM_COST are read from the environment."""
    settings = load_settings({}, {"PASAR_YOUTUBE_CHAT": "poll", "PASAR_YOUTUBE_STREAM_COST": "7"})
    assert (settings.youtube_chat, settings.youtube_stream_cost) == ("poll", 7)


@pytest.mark.parametrize(
    ("env", "name"),
    [({"PASAR_YOUTUBE_CHAT": "grpc"}, "youtube_chat"),
     ({"PASAR_YOUTUBE_STREAM_COST": "0"}, "youtube_stream_cost")],
)  # fmt: skip
def test_bad_values_name_the_setting(env, name):
    """A mistyped transport or a cost below 1 stops start-up, naming the setting."""
    with pytest.raises(SettingsError, match=name):
        load_settings({}, env)
