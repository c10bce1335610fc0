"""The publisher: listeners run inside publish, subscribers get queues, nobody blocks."""

from __future__ import annotations

from kernel.publisher import Message, Publisher


def test_listener_runs_inside_publish_for_its_topic_only():
    """A listener sees its topic's messages before publish returns, and no other topic."""
    publisher = Publisher()
    seen: list[Message] = []
    publisher.listen("rotation", seen.append)
    publisher.publish("orders", "utama", 1)
    publisher.publish("rotation", "utama", 2)
    assert [(m.topic, m.data) for m in seen] == [("rotation", 2)]


def test_stop_ends_a_listener():
    """The callable ``listen`` returns stops further calls; calling it twice is harmless."""
    publisher = Publisher()
    seen: list[Message] = []
    stop = publisher.listen("rotation", seen.append)
    publisher.publish("rotation", "utama", 1)
    stop()
    stop()
    publisher.publish("rotation", "utama", 2)
    assert [m.data for m in seen] == [1]


def test_a_failing_listener_does_not_stop_the_others(caplog):
    """One listener raising is logged; later listeners and subscribers still get the message."""
    publisher = Publisher()
    seen: list[int] = []

    def broken(message: Message) -> None:
        raise RuntimeError("boom")

    publisher.listen("rotation", broken)
    publisher.listen("rotation", lambda m: seen.append(m.data))
    publisher.publish("rotation", "utama", 7)
    assert seen == [7]
    assert "Listener" in caplog.text and "boom" in caplog.text


async def test_subscribers_get_every_topic_in_order():
    """A subscriber's queue holds every message published while it is open, in order."""
    publisher = Publisher()
    async with publisher.subscribe() as queue:
        publisher.publish("rotation", "utama", 1)
        publisher.publish("orders", "kuliner", 2)
        assert publisher.subscribers == 1
        got = [queue.get_nowait(), queue.get_nowait()]
    assert [(m.topic, m.channel, m.data) for m in got] == [
        ("rotation", "utama", 1),
        ("orders", "kuliner", 2),
    ]
    assert publisher.subscribers == 0


async def test_a_subscriber_that_accepts_few_queues_only_those():
    """With ``accepts`` a subscriber's queue gets only what it says yes to; others still
    get everything, in order."""
    publisher = Publisher()
    async with (
        publisher.subscribe(lambda m: m.channel == "v1") as mine,
        publisher.subscribe() as every,
    ):
        for i in range(1000):
            publisher.publish("orders", "utama", i)
        publisher.publish("checkout.vendor", "v1", "yours")
        assert mine.qsize() == 1 and mine.get_nowait().data == "yours"
        assert every.qsize() == 1001 and publisher.queued == 1001
    assert publisher.queued == 0
