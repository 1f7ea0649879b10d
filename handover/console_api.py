"""The console API's handlers: logging in, the queue, conversations, notes, canned responses, accounts, the audit
log. Each is declared in the route table `api` with the models it takes and answers (handover/api_models.py);
by the time it runs, its wrapper has checked the session and the role and read the body.

Who may open a conversation: a caseworker the ones waiting in the queue and the ones they hold; supervisors
and admins every one.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from aiohttp import web

from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.json_api import MAX_ID, After, respond
from core.sources import SOURCES
from core.vocabulary import State
from handover import api_models as m
from handover.accounts import Account, token_hash
from handover.api_routes import ApiTable
from handover.app_keys import ACCOUNTS, CANNED, HANDOVER, LOGIN_GUARD, MEDIA, QUEUE_LINES, READ_MARKS, REPORT_LOOKUP
from handover.console_auth import end_session, keep_session, log_in, token_of
from handover.console_words import language_of
from handover.erased import missing
from handover.media import CONTENT_TYPES
from handover.queue import QueueItem

api = ApiTable("/api/console")
CONVERSATION = "/conversations/{conversation_id}"


def _may_open(account: Account, details: m.ConversationDetails) -> bool:
    return account.is_supervisor or details.state == State.QUEUED or details.assignee_id == account.id


def _caseworker(account: Account) -> m.Caseworker:
    return m.Caseworker.model_validate(account, from_attributes=True)


def _me(request: web.Request, account: Account) -> m.Me:
    return m.Me.model_validate({**account.to_json(), "language": language_of(request, account)})


async def _visible(request: web.Request, account: Account) -> m.ConversationDetails:
    """The details of the URL's conversation if this account may open it; Erased, NotFound or Forbidden otherwise."""
    handover = request.app[HANDOVER]
    details = await handover.store.details(request.match_info["conversation_id"])
    if details is None:  # 410 when the person deleted it, else 404
        raise await missing(handover.audit, request.match_info["conversation_id"])
    if not _may_open(account, details):
        raise Forbidden("Only the caseworker who holds it (or a supervisor) can open this conversation.")
    return details


# Authentication ----------------------------------------------------------------------------------------------

@api.post("/login", "Log in", body=m.Login, response=m.Session, errors=(401, 429), public=True)
async def login(request: web.Request, body: m.Login) -> web.Response:
    """429 with a sentence while the account or the address is locked after wrong passwords."""
    account, token = await log_in(request.app[ACCOUNTS], request.app[HANDOVER].audit, body.username, body.password,
                                  request.app[LOGIN_GUARD], request.app[SOURCES].of(request))
    response = respond(m.Session(token=token, caseworker=_me(request, account)))
    keep_session(response, request, token)
    return response


@api.post("/logout", "End this session", response=m.LoggedOut)
async def logout(request: web.Request, account: Account) -> web.Response:
    token, _ = token_of(request)
    await request.app[ACCOUNTS].logout(token or "")
    await request.app[HANDOVER].hub.end_session(token_hash(token or ""))  # its live events stop now
    await request.app[HANDOVER].audit.record(account.id, "logout")
    response = respond(m.LoggedOut(logged_out=True))
    end_session(response)
    return response


@api.get("/me", "Who is logged in, and the console's language for them", response=m.Me)
async def me(request: web.Request, account: Account) -> m.Me:
    return _me(request, account)


@api.post("/language", "Choose the console's language (da or en), kept with the account", body=m.ChooseLanguage,
          response=m.Me)
async def choose_language(request: web.Request, account: Account, body: m.ChooseLanguage) -> m.Me:
    await request.app[ACCOUNTS].choose_language(account.id, body.language)
    return _me(request, replace(account, language=body.language))


# The queue and conversations ---------------------------------------------------------------------------------

@api.get("/queue", "Waiting conversations, most urgent first (tier, then waiting time), and the held ones",
         response=m.Queue)
async def queue(request: web.Request, account: Account) -> m.Queue:
    handover = request.app[HANDOVER]
    now = handover.queue.clock.now()
    waiting = await handover.queue.items((State.QUEUED,))
    held = await handover.queue.items((State.ASSIGNED,))
    if not account.is_supervisor:
        held = [item for item in held if item.assignee_id == account.id]

    lines, language = request.app[QUEUE_LINES], language_of(request, account)
    unread = await request.app[READ_MARKS].unread(account.id)

    async def row(item: QueueItem) -> m.QueueItem:
        line = await lines.line(item, language)
        return m.QueueItem.model_validate({**asdict(item), "waiting_seconds": item.waiting_seconds(now),
                                           "language_name": lines.language_name(item.language, language),
                                           "summary": line.summary, "key_words": line.key_words,
                                           "unread": item.conversation_id in unread})

    return m.Queue(items=[await row(item) for item in waiting], assigned=[await row(item) for item in held],
                   online=await request.app[ACCOUNTS].online_count())


@api.post("/queue/next", "Claim the most urgent waiting conversation", response=m.NextClaim)
async def claim_next(request: web.Request, account: Account) -> m.NextClaim:
    return m.NextClaim(conversation_id=await request.app[HANDOVER].claim_next(account))


@api.get(CONVERSATION, "A conversation with transcript, notes, screening result and reports "
                       "(written to the audit log; its holder has now read it: the queue's unread mark goes)",
         response=m.Conversation, errors=(403, 404, 410))
async def conversation(request: web.Request, account: Account) -> m.Conversation:
    details = await _visible(request, account)
    handover = request.app[HANDOVER]
    conversation_id = details.conversation_id
    await handover.audit.record(account.id, "view", conversation_id)
    return m.Conversation.model_validate({
        **details.model_dump(),
        "language_name": request.app[QUEUE_LINES].language_name(details.language, language_of(request, account)),
        "messages": await _read(request, account, details),
        "notes": await handover.store.notes(conversation_id),
        "screening": await handover.store.screening(conversation_id),
        "heard_in_chat": await request.app[QUEUE_LINES].heard(conversation_id),
        "reports": await handover.reports.of_conversation(conversation_id),
    })


@api.get(CONVERSATION + "/messages", "The transcript after a message id (live updates; its holder has now read "
                                    "it: the queue's unread mark goes)", query=After,
         response=m.NewMessages, errors=(403, 404, 410))
async def conversation_messages(request: web.Request, account: Account, query: After) -> m.NewMessages:
    """What a console fetches when the WebSocket says something new came."""
    details = await _visible(request, account)
    messages = await _read(request, account, details)
    return m.NewMessages(messages=[message for message in messages if message.id > query.after],
                         state=details.state, assignee=details.assignee)


async def _read(request: web.Request, account: Account, details: m.ConversationDetails) -> list[m.Message]:
    """The whole transcript, for this account to read: its holder has then seen it up to its newest message
    (handover/read_marks.py)."""
    messages = await request.app[HANDOVER].store.transcript(details.conversation_id)
    if messages and details.state == State.ASSIGNED and details.assignee_id == account.id:
        await request.app[READ_MARKS].seen(details.conversation_id, account.id, max(message.id for message in messages))
    return [m.Message.of(message) for message in messages]


@api.get(CONVERSATION + "/messages/{message_id}/media", "A photo, voice note, video, sticker or document the person "
          "sent, fetched from their channel (the holder or a supervisor; written to the audit log)",
          media_types=CONTENT_TYPES, errors=(403, 404, 410, 413, 503))
async def message_media(request: web.Request, account: Account) -> web.Response:
    """The file's bytes, never stored by the app nor cached (`Cache-Control: no-store`). Pictures, sound and
    video come with their type; anything else as application/octet-stream, to download. 413 over Telegram's
    20 MB; 503 when Telegram is not set up or does not hand the file over."""
    message_id = request.match_info["message_id"]
    # ASCII digits, an id the database can hold: "²" is a digit to isdigit() but no number to int(), and a
    # 30-digit id overflows the database (both were 500s, found by tests/fuzz).
    if not (message_id.isascii() and message_id.isdigit() and len(message_id) <= 10 and int(message_id) <= MAX_ID):
        raise NotFound("No such message.")
    shown = await request.app[MEDIA].show(account, request.match_info["conversation_id"], int(message_id))
    return web.Response(body=shown.content, content_type=shown.content_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{shown.file_name}"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@api.post("/reports/find", "Find a report by its reference code, as a reporter reads it out (written to the "
                          "audit log, found or not)", body=m.ReportCode, response=m.FoundReport, errors=(404, 413, 429))
async def find_report(request: web.Request, account: Account, body: m.ReportCode) -> m.FoundReport:
    """The code goes in the body, never in the URL. 400 for what cannot be a code (413 over 64 characters), 404
    when no report has it, 429 after too many wrong codes from this account (handover/report_lookup.py)."""
    found = await request.app[REPORT_LOOKUP].find(account.id, body.code)
    details = await request.app[HANDOVER].store.details(found.conversation_id)
    if details is None:  # erased between the two reads
        raise NotFound("No report has this reference code. Please check it with the person.")
    return m.FoundReport(report_id=found.report_id, conversation_id=found.conversation_id, alias=details.alias,
                         state=details.state, can_open=_may_open(account, details))


@api.post(CONVERSATION + "/claim", "Take the conversation; the bot is paused and the person is told who joined "
                                   "(alias only)", response=m.Claimed, errors=(404, 409, 410))
async def claim(request: web.Request, account: Account) -> m.Claimed:
    conversation_id = request.match_info["conversation_id"]
    await request.app[HANDOVER].claim(account, conversation_id)
    return m.Claimed(conversation_id=conversation_id, claimed=True)


@api.post(CONVERSATION + "/messages", "Answer the person (only the caseworker who holds the conversation)",
          body=m.Reply, response=m.SentMessage, status=201, errors=(404, 409, 410, 413))
async def send_message(request: web.Request, account: Account, body: m.Reply) -> m.SentMessage:
    message = await request.app[HANDOVER].reply(account, request.match_info["conversation_id"], body.text)
    return m.SentMessage(message=m.Message.of(message))


@api.post(CONVERSATION + "/release", "Let the conversation go: back to the queue while the person's request for a "
                                     "person is still open, else back to the bot; the person is told which",
          response=m.Released, errors=(404, 409, 410))
async def release(request: web.Request, account: Account) -> m.Released:
    state = await request.app[HANDOVER].release(account, request.match_info["conversation_id"])
    return m.Released(conversation_id=request.match_info["conversation_id"], state=state)


@api.post(CONVERSATION + "/resolve", "Close the conversation; the person is told, and their next message opens "
                                     "a new one", response=m.Ended, errors=(404, 409, 410))
async def resolve(request: web.Request, account: Account) -> m.Ended:
    await request.app[HANDOVER].resolve(account, request.match_info["conversation_id"])
    return m.Ended(conversation_id=request.match_info["conversation_id"])


@api.post(CONVERSATION + "/transfer", "Hand a held conversation to another caseworker who is online (a supervisor "
                                      "may move any)",
          body=m.Transfer, response=m.Transferred, errors=(404, 409, 410))
async def transfer(request: web.Request, account: Account, body: m.Transfer) -> m.Transferred:
    await request.app[HANDOVER].may_transfer(account, request.match_info["conversation_id"])  # first: whose it is
    target = await request.app[ACCOUNTS].get(body.caseworker_id)
    if target is None:
        raise Invalid(m.Transfer.INVALID)
    # Found walking the console: a P1 handed to a colleague who was away left Waiting and sat with nobody.
    if target.id != account.id and not await request.app[ACCOUNTS].is_online(target.id):
        raise Conflict(f"{target.alias} is not online now: the person would wait with nobody to answer. "
                       "Please choose someone who is online.")
    await request.app[HANDOVER].transfer(account, request.match_info["conversation_id"], target)
    return m.Transferred(conversation_id=request.match_info["conversation_id"], assignee=target.alias)


@api.post(CONVERSATION + "/notes", "Add a private note (never shown to the person)", body=m.NewNote,
          response=m.NoteAdded, status=201, errors=(403, 404, 410, 413))
async def add_note(request: web.Request, account: Account, body: m.NewNote) -> m.NoteAdded:
    details = await _visible(request, account)
    note = await request.app[HANDOVER].store.add_note(details.conversation_id, account.id, body.text)
    return m.NoteAdded(note=m.Note.model_validate({**note, "author": account.name}))


@api.get("/canned", "Canned responses in one language", query=m.CannedQuery, response=m.CannedResponses)
async def canned(request: web.Request, account: Account, query: m.CannedQuery) -> m.CannedResponses:
    return m.CannedResponses.model_validate({"items": await request.app[CANNED].for_language(query.language)})


# Accounts and audit ------------------------------------------------------------------------------------------

@api.get("/caseworkers", "Active accounts and who is online (for transfers)", response=m.Caseworkers)
async def caseworkers(request: web.Request, account: Account) -> m.Caseworkers:
    return m.Caseworkers(items=[m.CaseworkerOnline(**_caseworker(each).model_dump(), online=online)
                                for each, online in await request.app[ACCOUNTS].all()])


@api.post("/caseworkers", "Add an account (admins only)", role="admin", body=m.NewCaseworker,
          response=m.Caseworker, status=201)
async def add_caseworker(request: web.Request, account: Account, body: m.NewCaseworker) -> m.Caseworker:
    """A name taken, or a password shorter than 12 characters, is refused with a sentence (400)."""
    created = await request.app[ACCOUNTS].add(body.name, body.password, body.role, body.alias)
    await request.app[HANDOVER].audit.record(account.id, "caseworker_add", detail=f"{created.name} ({body.role})")
    return _caseworker(created)


@api.post("/caseworkers/unlock", "Unlock an account that wrong passwords locked (admins only)", role="admin",
          body=m.Unlock, response=m.Caseworker, errors=(404,))
async def unlock_caseworker(request: web.Request, account: Account, body: m.Unlock) -> m.Caseworker:
    """At once, instead of after the lock's window (docs/limits.md); 404 when no account has the name."""
    accounts = request.app[ACCOUNTS]
    account_id = await accounts.id_of(body.name)
    unlocked = await accounts.get(account_id) if account_id is not None else None
    if unlocked is None:
        raise NotFound("No account has this name.")
    await request.app[LOGIN_GUARD].unlock(unlocked.name, unlocked.id, account.id)
    return _caseworker(unlocked)


@api.get("/audit", "The audit log, newest first (supervisors and admins)", role="supervisor",
         query=m.AuditQuery, response=m.AuditLog)
async def audit_log(request: web.Request, account: Account, query: m.AuditQuery) -> m.AuditLog:
    return m.AuditLog.model_validate({"items": await request.app[HANDOVER].audit.events(before_id=query.before)})
