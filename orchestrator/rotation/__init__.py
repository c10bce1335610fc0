"""The rotation: which slot is on air on each channel.

``engine.channel_state`` is pure (slots, host actions and ``now`` in, an answer out);
the clock (``kernel.clock``) gives the async loop its sense of time.
"""

from .actions import BACK, EXTEND, HOLD, JUMP, KINDS, NEXT, RESUME, SKIP, UNDO, Action
from .engine import JAKARTA, ChannelState, PlannedSlot, channel_state, validate_action

__all__ = [
    "BACK",
    "EXTEND",
    "HOLD",
    "JAKARTA",
    "JUMP",
    "KINDS",
    "NEXT",
    "RESUME",
    "SKIP",
    "UNDO",
    "Action",
    "ChannelState",
    "PlannedSlot",
    "channel_state",
    "validate_action",
]
