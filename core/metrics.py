"""The counters and histograms every part of the app adds to, read at GET /metrics (bot/metrics_page.py).

Anonymity: a label is only ever a channel ("webchat", "telegram"), a tier ("P1"…"P4") or an outcome from a fixed
list below: never a word, an id, a language or anything else that could single out one person. The number of
series is therefore fixed, whatever people write.

The values live in this process (prometheus_client's default registry): with several app instances, each is
scraped and the counters are summed by Prometheus. What is read from the database at scrape time (the queue,
caseworkers online) is in bot/metrics_page.py.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

from core.vocabulary import Tier

disable_created_metrics()  # no "_created" twin of every series: Prometheus needs none
CHANNELS = ("webchat", "telegram")  # bot/channels/webchat.py and telegram.py `CHANNEL`

# What became of one message from a person (bot/gateway.py `Gateway.handle`).
TURN_OUTCOMES = ("answered", "held", "limited", "invalid", "error")  # held: a caseworker has it, the bot is silent
TURNS = Counter("havn_turns", "Messages from people handled, by channel and outcome", ["channel", "outcome"])
# From the message's arrival at the gateway to the replies it returns (Rasa's turn included), in seconds.
TURN_SECONDS = Histogram("havn_turn_seconds", "Time to handle one message from a person, by channel", ["channel"],
                         buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0))

# Rasa did not answer: "unavailable" (no answer, an error, a timeout) or "empty" (it answered nothing, typically
# the action server is down). A person got the fallback with the hotline either way (bot/assistant.py).
RASA_FAILURE_OUTCOMES = ("unavailable", "empty")
RASA_FAILURES = Counter("havn_rasa_failures", "Calls to Rasa that failed, by outcome", ["outcome"])

# Requests for a person that joined the queue, by the tier they were queued at (after the limits): the P1s
# raised are tier="P1".
HANDOVER_REQUESTS = Counter("havn_handover_requests", "Requests for a person queued, by tier", ["tier"])

# The outbox (handover/delivery.py): a message to a person on a channel that pushes (a reply, a notice, the
# bot's answer on Telegram) that had to be tried again, or was given up.
OUTBOX_RETRIES = Counter("havn_outbox_retries", "Outbox deliveries tried again, by channel", ["channel"])
OUTBOX_FAILED = Counter("havn_outbox_failed", "Outbox deliveries given up, by channel", ["channel"])


def _zeroes() -> None:
    """Every series exists from the start at 0, so that a rate or an alert works before the first event."""
    for channel in CHANNELS:
        TURN_SECONDS.labels(channel)
        OUTBOX_RETRIES.labels(channel)
        OUTBOX_FAILED.labels(channel)
        for outcome in TURN_OUTCOMES:
            TURNS.labels(channel, outcome)
    for outcome in RASA_FAILURE_OUTCOMES:
        RASA_FAILURES.labels(outcome)
    for tier in Tier:
        HANDOVER_REQUESTS.labels(tier)


_zeroes()
