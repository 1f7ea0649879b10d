"""What a person sends on Telegram that is not text: recognised for the gateway (`media_of`), and fetched again
for a caseworker who holds the conversation (`TelegramMedia`, the FetchMedia port of handover/ports.py).

The app keeps only Telegram's file_id (sealed, with the message); the file itself stays on Telegram, and is
fetched through the Bot API (getFile, then the download) into memory when a caseworker asks to see it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from telegram import Bot
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, TelegramError

from core.messages import Media
from core.vocabulary import MediaKind
from handover.ports import MAX_MEDIA_BYTES, MediaFile, MediaTooLarge, MediaUnavailable

# Attributes of a Telegram message with a file, and the kind each is. An animation is checked before the
# document Telegram also sets for it.
FILES = (("animation", MediaKind.VIDEO), ("video", MediaKind.VIDEO), ("video_note", MediaKind.VIDEO),
         ("voice", MediaKind.VOICE), ("audio", MediaKind.AUDIO), ("sticker", MediaKind.STICKER),
         ("document", MediaKind.DOCUMENT))


def media_of(message: TelegramMessage) -> Media | None:
    """The media of a message, or None when it has none we know (a poll, a dice…)."""
    if message.photo:  # the sizes Telegram made of it, smallest first: the largest is the one to look at
        return Media(MediaKind.PHOTO, message.photo[-1].file_id)
    for attribute, kind in FILES:
        item = getattr(message, attribute, None)
        if item is not None:
            return Media(kind, item.file_id)
    # A location (a venue carries one too) and a contact are recorded as sent, nothing of them is kept: a place
    # or a phone number can identify the person, and a caseworker who needs to know can ask.
    if message.location is not None or message.venue is not None:
        return Media(MediaKind.LOCATION)
    if message.contact is not None:
        return Media(MediaKind.CONTACT)
    return None


class TelegramMedia:
    """Fetches a file a person sent, by its file_id, through the bot's own Bot API client."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, file_id: str) -> MediaFile:
        try:
            file = await self._bot.get_file(file_id)
            if (file.file_size or 0) > MAX_MEDIA_BYTES:
                raise MediaTooLarge
            content = bytes(await file.download_as_bytearray())
        except BadRequest as error:  # an expired or unknown file_id; "file is too big" over the Bot API's limit
            raise (MediaTooLarge if "too big" in error.message.lower() else MediaUnavailable)() from None
        except (TelegramError, RuntimeError):  # Telegram down or slow, the network; a file with no path to fetch
            raise MediaUnavailable from None
        if len(content) > MAX_MEDIA_BYTES:
            raise MediaTooLarge
        # file_path is the download URL here, with the bot's token in it: only its extension is kept.
        return MediaFile(content, PurePosixPath(urlsplit(file.file_path or "").path).suffix)
