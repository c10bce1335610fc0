""" "Ingatkan saya": the agenda's turns as an iCalendar file, with a reminder before each.

The file is written by ``icalendar`` (RFC 5545 escaping and line folding are easy to get
wrong by hand). Times are UTC; every calendar app shows them in its own zone. Each event's
UID is stable per slot, so importing a newer file moves the entry instead of doubling it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from orchestrator.viewers.agenda import AgendaSlot

REMIND_BEFORE = timedelta(minutes=10)


def calendar(lines: Sequence[AgendaSlot], event_name: str, link: str, host: str,
             made: datetime) -> bytes:  # fmt: skip
    """One VCALENDAR with a VEVENT per turn that airs, each with a display alarm."""
    cal = Calendar()
    cal.add("prodid", "-//Pasar Live//jadwal//ID")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", event_name)
    for line in lines:
        if line.gone:
            continue
        start = line.start or line.scheduled_start
        end = line.end or line.scheduled_end
        who = line.vendor_name or line.title or "Pasar Live"
        item = CalendarEvent()
        item.add("uid", f"{line.slot_id}@{host}")
        item.add("dtstamp", made)
        item.add("dtstart", start)
        item.add("dtend", end)
        item.add("summary", f"{who} · {line.channel_title} · {event_name}")
        names = ", ".join(line.products)
        item.add("description", f"{who} siaran langsung{': ' + names if names else ''}.\n"
                                f"Tonton dan pesan: {link}")  # fmt: skip
        item.add("url", link)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{who} tayang 10 menit lagi")
        alarm.add("trigger", -REMIND_BEFORE)
        item.add_component(alarm)
        cal.add_component(item)
    return cal.to_ical()
