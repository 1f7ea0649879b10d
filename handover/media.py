"""What a person sent that is not text (a photo, a voice note…), shown to the caseworker who holds the conversation.

The file stays on the person's channel (Telegram): the app keeps only the channel's reference to it, sealed, with
the message (erased with it), and fetches the file on demand through the FetchMedia port (handover/ports.py),
into memory, never to disk. Each look is written to the audit log ("media"). A location or a shared contact is
never kept, only its marker: there is nothing to fetch, and the caseworker can ask.

A file goes out only as one of a few content types a browser shows without running anything (pictures, sound,
video); anything else goes out as a download (application/octet-stream), so that nothing a person sent can ever
run as a page of the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import Forbidden, NotFound, TooLarge, Unavailable
from core.vocabulary import State
from handover.accounts import Account
from handover.audit import Audit
from handover.erased import missing
from handover.ports import MAX_MEDIA_BYTES, FetchMedia, MediaTooLarge, MediaUnavailable
from handover.store import Store

SHOWN = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
         ".gif": "image/gif", ".oga": "audio/ogg", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".mp3": "audio/mpeg",
         ".m4a": "audio/mp4", ".mp4": "video/mp4", ".webm": "video/webm"}
DOWNLOAD = "application/octet-stream"
EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")  # kept in the download's name ("document.pdf"); anything odder is dropped
CONTENT_TYPES = (*sorted(set(SHOWN.values())), DOWNLOAD)  # what the endpoint may answer (its OpenAPI entry)

NOT_HOLDER = "Only the caseworker who holds the conversation (or a supervisor) can see what the person sent."
NO_FILE = "This message has no file to show."
NOT_KEPT = ("A {kind} is not kept, to protect the person: only that one was sent. Ask them in the chat "
            "if you need to know.")
NO_CHANNEL = "Telegram is not set up on this server, so the file cannot be fetched."
FAILED = ("Telegram did not hand over the file right now. Please try again in a moment; if it keeps failing, "
          "ask the person to describe it.")
TOO_LARGE = f"This file is larger than {MAX_MEDIA_BYTES // (1024 * 1024)} MB, more than Telegram lets the app " \
            "fetch. Ask the person to describe it."


@dataclass(frozen=True)
class Shown:
    content: bytes
    content_type: str  # one of CONTENT_TYPES
    file_name: str  # "photo.jpg": the kind and the extension, never the channel's own name for it


class ConsoleMedia:
    def __init__(self, store: Store, audit: Audit, fetch: FetchMedia | None) -> None:
        """`fetch` is None when no channel that carries files is set up (Telegram is off)."""
        self._store = store
        self._audit = audit
        self._fetch = fetch

    async def show(self, account: Account, conversation_id: str, message_id: int) -> Shown:
        """The file of a person's message, for the holder or a supervisor; a ServiceError with a sentence if not."""
        details = await self._store.details(conversation_id)
        if details is None:  # 410 when the person deleted it
            raise await missing(self._audit, conversation_id)
        holds = details.state == State.ASSIGNED and details.assignee_id == account.id
        if not (holds or account.is_supervisor):
            raise Forbidden(NOT_HOLDER)
        found = await self._store.media_file(conversation_id, message_id)
        if found is None:
            raise NotFound(NO_FILE)
        kind, file_id = found
        if file_id is None:  # a location or a contact
            raise NotFound(NOT_KEPT.format(kind=kind))
        if self._fetch is None:
            raise Unavailable(NO_CHANNEL)
        try:
            fetched = await self._fetch(file_id)
        except MediaTooLarge:
            raise TooLarge(TOO_LARGE) from None
        except MediaUnavailable:
            raise Unavailable(FAILED) from None
        await self._audit.record(account.id, "media", conversation_id, str(kind))
        extension = fetched.extension.lower()
        return Shown(fetched.content, SHOWN.get(extension, DOWNLOAD),
                     f"{kind}{extension if EXTENSION.fullmatch(extension) else ''}")

