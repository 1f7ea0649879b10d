"""Telegram through python-telegram-bot: one Application, handlers grouped here, the gateway does the rest.

Polling when only HAVN_TELEGRAM_TOKEN is set; a webhook on this app's own aiohttp server (checked with
Telegram's secret-token header) when HAVN_TELEGRAM_WEBHOOK_URL is set too. Only private chats are served:
a group would expose the person to everyone in it.

With several instances (docs/scale.md): an update Telegram posts again to the webhook, to this instance or
another, is answered once (bot/channels/telegram_updates.py); and one instance at a time polls, the one that
holds the lease `telegram_polling` (bot/periodic.py), since Telegram serves getUpdates to one client only.
"""

from __future__ import annotations

import hmac
import html
import logging
from collections.abc import Awaitable

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from telegram import BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import Message as TelegramMessage
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram_media import media_of
from bot.channels.telegram_refusals import refused_as_delivery
from bot.channels.telegram_updates import SeenUpdates
from bot.gateway import Gateway, Inbound, InvalidPayload
from bot.limits import Limited
from bot.reporting import ASK_CODE, START
from core.config import Settings
from core.errors import Forbidden, Invalid, Unavailable
from core.json_api import read_json
from core.messages import Media, Message
from core.outreach import parse_start
from core.vocabulary import Command
from handover.outbox import Outbox
from handover.ports import DeliveryFailed, Send

log = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOT_TELEGRAM = "Only Telegram can post updates here."
NOT_AN_UPDATE = "Please send a Telegram update as a JSON object."
NOT_NOTED = "This update could not be taken in right now; please send it again."
# "/report" starts a report; "/report K7M2-9XQP" checks that reference code (see `on_report`).
GREET = "/greet"
COMMANDS = {"start": GREET, "help": Command.HELP, "language": Command.LANGUAGE, "report": START,
            "delete": Command.DELETE_ASK}


def keyboard(message: Message) -> InlineKeyboardMarkup | None:
    # One button a row: long titles in many languages stay readable on a small phone.
    if not message.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in message.buttons])


class TelegramChannel:
    def __init__(self, settings: Settings, gateway: Gateway, updates: SeenUpdates, outbox: Outbox) -> None:
        self.settings = settings
        self.gateway = gateway
        self.updates = updates
        self.outbox = outbox
        builder = ApplicationBuilder().token(settings.telegram_token or "").concurrent_updates(64)
        if settings.telegram_api_url:  # files are fetched from the same server (bot/channels/telegram_media.py)
            builder = builder.base_url(f"{settings.telegram_api_url}/bot")
            builder = builder.base_file_url(f"{settings.telegram_api_url}/file/bot")
        if settings.telegram_webhook_url:
            builder = builder.updater(None)  # updates arrive on our own aiohttp route
        self.application: Application = builder.build()
        self._add_handlers()

    def _add_handlers(self) -> None:
        private = filters.ChatType.PRIVATE
        for command, payload in COMMANDS.items():
            handler = {START: self.on_report, GREET: self.on_start}.get(payload) or self._command(payload)
            self.application.add_handler(CommandHandler(command, handler, filters=private))
        self.application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.on_text))
        self.application.add_handler(CallbackQueryHandler(self.on_button))
        self.application.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.COMMAND, self.on_other))
        self.application.add_error_handler(self.on_error)

    def _command(self, payload: str):  # type: ignore[no-untyped-def]
        async def handler(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.relay(update, payload=payload)

        return handler

    async def on_report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        code = " ".join(context.args or ())
        if code:
            await self.relay(update, text=code, payload=ASK_CODE)
        else:
            await self.relay(update, payload=START)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/start`, or `/start pl_farm-lolland` from an outreach card's deep link (core/outreach.py): the chat
        in that language, the source counted once, for a chat that had no conversation. Any other argument is
        not ours (an old or mangled link): a plain greeting."""
        link = parse_start(context.args[0], self.gateway.texts.languages) if len(context.args or ()) == 1 else None
        if link is None:
            await self.relay(update, payload=GREET)
            return
        language, source = link
        gateway = self.gateway
        address_hash = gateway.pseudonymizer.address_hash(CHANNEL, str(update.effective_chat.id))
        if gateway.outreach is not None and await gateway.store.language_of(address_hash) is None:
            await gateway.outreach.count(source, CHANNEL)  # the source goes no further: not on the conversation
        await self.relay(update, payload=Command.choose_language(language))

    async def on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, text=update.effective_message.text)

    async def on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()  # stops the spinner on the button at once
        if update.effective_chat and update.effective_chat.type == "private":
            # The keyboard goes first: a second tap on an answered message cannot send its reply again. A message
            # Telegram no longer shows the bot (too old: "inaccessible") cannot be edited, and is not tried.
            editable = isinstance(query.message, TelegramMessage) and query.message.is_accessible
            if editable:
                await self._quietly(query.edit_message_reply_markup(None))
            await self.relay(update, payload=query.data, pressed=query if editable else None)

    @staticmethod
    async def _quietly(edit: Awaitable[object]) -> bool:
        """An edit of a message already sent; a refused one (too old, deleted by the person) changes nothing the
        person needs, so it is only logged (its type: never a text or an id)."""
        try:
            await edit
        except TelegramError as error:
            log.warning("Telegram edit refused: %s", type(error).__name__)
            return False
        return True

    async def on_other(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, a voice note, a sticker, a location…: the gateway records it and tells the person that only
        text is read. A caption is text like any other. Anything else (a poll, a dice) is an empty message."""
        message = update.effective_message
        media = media_of(message)
        if media is None:
            await self.relay(update, text="")
        else:
            await self.relay(update, text=message.caption, media=media)

    async def on_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram handler failed: %s", type(context.error).__name__)

    async def relay(self, update: Update, text: str | None = None, payload: str | None = None,
                    media: Media | None = None, pressed: CallbackQuery | None = None) -> None:
        chat_id = str(update.effective_chat.id)
        user = update.effective_user
        inbound = Inbound(CHANNEL, chat_id, text=text, payload=payload,
                          language_hint=user.language_code if user else None, media=media,
                          edits=pressed is not None)
        try:
            replies = await self.gateway.handle(inbound)
        except InvalidPayload:
            return  # a button from an old keyboard; the callback was answered, nothing else to do
        except Limited as limited:
            # Told once per spell (with 112 and the hotline): answering every message of a flood would only get
            # the bot itself throttled by Telegram. The text says what was not read; it stays in their chat.
            if limited.verdict.first_over:
                await self.send_now(chat_id, limited.replies)
            return
        # The stored replies are in the outbox already, on their way (handover/delivery.py).
        if replies and replies[0].replaces and pressed is not None:
            # The report's sign list with a mark toggled: the same message, edited, not a new one; if the old one
            # cannot be edited, the list comes as a new message.
            first = replies[0]
            if not await self._quietly(pressed.edit_message_text(first.text, reply_markup=keyboard(first))):
                await self.outbox.send_stored(first)
        await self.send_now(chat_id, [reply for reply in replies if not reply.id])  # the erasure's: not stored

    async def deliver(self, chat_id: str, message: Message) -> list[Send]:
        """How the outbox shows a message (handover/delivery.py): its Telegram calls, in order. A caseworker's
        message with a first line that says who writes; a report's reference code once more on its own, in
        monospace, so that a tap copies it (a second call: a retry does not repeat the first)."""
        bot = self.application.bot
        text = message.text
        if message.author:
            text = f"{await self._label(chat_id, message.author)}\n{text}"
        calls: list[Send] = [lambda: refused_as_delivery(bot.send_message(chat_id, text,
                                                                          reply_markup=keyboard(message)))]
        if message.code:
            code = f"<code>{html.escape(message.code)}</code>"
            calls.append(lambda: refused_as_delivery(bot.send_message(chat_id, code, parse_mode=ParseMode.HTML)))
        return calls

    async def send_now(self, chat_id: str, messages: list[Message]) -> None:
        """What is not stored, so not queued (a limit's notice, the erasure's confirmation): sent at once; a
        refusal is only logged by its kind, as nothing is lost that the person could still be sent."""
        try:
            for message in messages:
                for call in await self.deliver(chat_id, message):
                    await call()
        except DeliveryFailed as failure:
            log.warning("Telegram refused a message not stored: %s", failure.kind)

    async def _label(self, chat_id: str, alias: str) -> str:
        """"Anna · from the centre", in the conversation's language."""
        gateway = self.gateway
        language = await gateway.store.language_of(gateway.pseudonymizer.address_hash(CHANNEL, chat_id))
        texts = gateway.texts
        return texts.text("from_centre", language if language in texts.languages else texts.default_language,
                          {"alias": alias})

    async def register_commands(self) -> None:
        """The command menu in every supported language (Telegram picks it by the user's app language)."""
        texts = self.gateway.texts
        for code in (None, *texts.languages):
            language = code or texts.default_language
            commands = [BotCommand(name, texts.text(f"command.{name}", language)) for name in COMMANDS]
            await self.application.bot.set_my_commands(commands, language_code=code)

    async def start(self) -> None:
        await self.application.initialize()
        await self.register_commands()
        await self.application.start()
        if self.settings.telegram_webhook_url:
            await self.application.bot.set_webhook(
                self.settings.telegram_webhook_url, secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=["message", "callback_query"],
            )
            log.info("Telegram: webhook mode")

    @property
    def polls(self) -> bool:
        """Whether updates are fetched (polling mode), by the instance that holds the lease, rather than posted."""
        return not self.settings.telegram_webhook_url

    async def start_polling(self) -> None:
        await self.application.updater.start_polling(allowed_updates=["message", "callback_query"])
        log.info("Telegram: polling mode, this instance polls")

    async def stop_polling(self) -> None:
        if self.application.updater and self.application.updater.running:
            await self.application.updater.stop()

    async def stop(self) -> None:
        await self.stop_polling()
        await self.application.stop()
        await self.application.shutdown()

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram posts each update here; the secret header proves it is Telegram (or our test double)."""
        secret = request.headers.get(SECRET_HEADER, "")
        # As bytes: a header with bytes that are not UTF-8 arrives with surrogate escapes (found by tests/fuzz).
        if not hmac.compare_digest(secret.encode("utf-8", "surrogateescape"),
                                   self.settings.telegram_webhook_secret.encode()):
            raise Forbidden(NOT_TELEGRAM)
        # The app's one JSON parser (core/json_api.py): bad UTF-8, lone surrogates, deep nesting and huge
        # numbers are a 400 with a sentence, like on every other JSON endpoint.
        body = await read_json(request, NOT_AN_UPDATE)
        if not isinstance(body, dict):
            raise Invalid(NOT_AN_UPDATE)
        try:
            update = Update.de_json(body, self.application.bot)
        except Exception:  # whatever a wrong shape makes python-telegram-bot raise
            raise Invalid(NOT_AN_UPDATE) from None
        # Not Telegram's: no whole number (missing, a string, a float from a body python-telegram-bot still
        # took), or one the update table cannot hold.
        update_id = update.update_id
        if isinstance(update_id, bool) or not isinstance(update_id, int) or not -2**63 <= update_id < 2**63:
            raise Invalid(NOT_AN_UPDATE)
        try:
            first = await self.updates.first_time(update.update_id)
        except (SQLAlchemyError, OSError):  # not noted, not taken: Telegram posts it again later
            log.warning("Telegram update not noted: the database is unavailable; Telegram will post it again")
            raise Unavailable(NOT_NOTED) from None
        if first:  # posted again (our answer was slow or lost), to this instance or another: answered once
            await self.application.update_queue.put(update)
        return web.Response()
