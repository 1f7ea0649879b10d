"""What a refusal from Telegram means for the outbox (handover/delivery.py): try again later, and when, or never.

Only the kind goes on: Telegram's own description can quote the chat, and is neither logged nor stored.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from handover.ports import DeliveryFailed


def refusal(error: TelegramError) -> DeliveryFailed:
    if isinstance(error, RetryAfter):  # flood control: Telegram says how long to wait, and it is waited
        after = error.retry_after  # an int until python-telegram-bot 23, a timedelta after: either is read
        seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
        return DeliveryFailed("rate_limited", retry=True, after=seconds)
    if isinstance(error, Forbidden):  # the person blocked the bot or deleted their account: never will
        return DeliveryFailed("forbidden", retry=False)
    if isinstance(error, BadRequest):  # (a NetworkError to python-telegram-bot) the same request fails again
        return DeliveryFailed("bad_request", retry=False)
    if isinstance(error, ChatMigrated):  # only groups migrate, and the bot serves private chats only
        return DeliveryFailed("chat_migrated", retry=False)
    if isinstance(error, TimedOut):
        return DeliveryFailed("timed_out", retry=True)
    if isinstance(error, NetworkError):  # the network, and every 5xx of Telegram's
        return DeliveryFailed("network", retry=True)
    return DeliveryFailed("telegram", retry=True)  # a wrong token, a conflict: an operator may fix it meanwhile


async def refused_as_delivery(call: Awaitable[object]) -> None:
    """One call to Telegram, its refusal as the outbox's."""
    try:
        await call
    except TelegramError as error:
        raise refusal(error) from None
