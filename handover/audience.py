"""Who may follow a conversation live: the same rule as who may open it from the queue view
(handover/console_api.py `_visible`), applied to the console's events (handover/hub.py).

Everyone sees the conversations waiting for a person; a caseworker the ones they hold; supervisors and admins
every held one. A conversation only the bot holds, or a resolved one, is nobody's live concern: its messages
are between the person and the bot.
"""

from __future__ import annotations

from core.vocabulary import State
from handover.accounts import Account

Place = tuple[State, int | None]  # a conversation's state and the id of the caseworker who holds it


def follows(account: Account, place: Place) -> bool:
    state, holder = place
    if state == State.QUEUED:
        return True
    return state == State.ASSIGNED and (account.is_supervisor or holder == account.id)
