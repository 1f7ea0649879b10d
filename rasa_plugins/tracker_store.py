"""Rasa's SQL tracker store, plus erasure.

Rasa's own SQLTrackerStore only ever appends: replacing a conversation's events through the HTTP API
(`PUT /conversations/<id>/tracker/events`) leaves the stored events, and with them the person's words, in
the database. Here, saving an empty tracker (what the app sends to erase a conversation) deletes every
stored event of that conversation. Rasa never saves an empty tracker on its own: each conversation starts
with session events.
"""

from __future__ import annotations

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class ErasableSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.events:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            session.commit()
