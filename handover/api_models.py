"""The console API's bodies, declared once: what each endpoint takes and answers (handover/api_routes.py says
which endpoint uses which), and from which handover/openapi.py writes the OpenAPI document.

Request bodies are strict (core/json_api.Body); response bodies send exactly the fields declared here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from core.json_api import MAX_ID, Body, Query
from core.messages import MAX_TEXT
from core.vocabulary import Delivery, Kind, MediaKind, Sender, State, Tier

MAX_NOTE = 4000
Language = Literal["da", "en"]  # the console's languages (handover/console_words.py LANGUAGES)
Role = Literal["caseworker", "supervisor", "admin"]  # handover/accounts.py ROLES (a test keeps them equal)
ROLE_LIST = ", ".join(get_args(Role))
Channel = Literal["webchat", "telegram"]
MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)]


class Out(BaseModel):
    """A response body: only the declared fields go out (others a store returns are dropped)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})


# Requests ---------------------------------------------------------------------------------------------------

class Login(Body):
    INVALID: ClassVar[str | None] = 'Send {"username": "…", "password": "…"}.'
    username: str
    password: str


class ChooseLanguage(Body):
    INVALID: ClassVar[str | None] = 'Send {"language": "da"} or {"language": "en"}.'
    language: Language


class Reply(Body):
    """What a caseworker writes to the person."""

    INVALID: ClassVar[str | None] = '"text" must be a non-empty string.'
    text: MessageText


class NewNote(Body):
    """A private note (never shown to the person)."""

    INVALID: ClassVar[str | None] = '"text" must be a non-empty string.'
    text: NoteText


class Transfer(Body):
    INVALID: ClassVar[str | None] = '"caseworker_id" must be the id of an active caseworker.'
    caseworker_id: int = Field(ge=1, le=MAX_ID)  # an id the database can hold (a bigger one was a 500: tests/fuzz)


class NewCaseworker(Body):
    INVALID: ClassVar[str | None] = f'Send "name", "password", "role" ({ROLE_LIST}) and optionally "alias".'
    name: str = Field(description="for logging in; 1 to 64 characters")
    password: str = Field(description="at least 12 characters")
    role: Role = "caseworker"
    alias: str | None = Field(None, description="the only name people in the chat see (default: the name)")


class Unlock(Body):
    INVALID: ClassVar[str | None] = 'Send "name", the login name of the account to unlock.'
    name: str = Field(description="the login name of an account locked by wrong passwords")


class ReportCode(Body):
    """A report's reference code as a person reads it out ("k7m2 9xqp" is K7M2-9XQP)."""

    INVALID: ClassVar[str | None] = 'Send {"code": "K7M2-9XQP"}: the report\'s reference code.'
    code: str = Field(max_length=64)


class CannedQuery(Query):
    language: str = Field("", description="a language code, as a conversation has it")


class AuditQuery(Query):
    INVALID: ClassVar[str | None] = "before must be an event id (a whole number)."
    before: int | None = Field(None, ge=0, le=MAX_ID, description="an event id, for the next (older) page")


# Responses --------------------------------------------------------------------------------------------------

class Caseworker(Out):
    id: int
    name: str
    alias: str = Field(description="the only name people in the chat see")
    role: Role


class Me(Caseworker):
    """The caseworker who is logged in, with the console's language for them."""

    language: Language = Field(description="the console's language: the one they chose, else their browser's")


class CaseworkerOnline(Caseworker):
    online: bool = Field(description="a console of theirs is connected")


class Caseworkers(Out):
    items: list[CaseworkerOnline]


class Session(Out):
    """A session; also set as an HttpOnly cookie."""

    token: str
    caseworker: Me


class LoggedOut(Out):
    logged_out: bool


class QueueItem(Out):
    conversation_id: str
    alias: str = Field(description="what caseworkers see instead of any id")
    state: State
    tier: Tier
    kind: Kind
    language: str
    language_name: str = Field(description='for people: "Romanian (Română)", the English name and its own')
    channel: Channel
    waiting_seconds: int
    assignee: str | None
    summary: str = Field(description=(
        'most important first: "danger now", "self-harm", "under 18"; then the report\'s buttons, the strongest '
        'indicators by name and the assessment (handover/queue_lines.py)'))
    key_words: list[str] = Field(description=(
        "the person's own words that made the bot flag the conversation (what the danger lexicon matched, the "
        "words they agreed to note for the strongest indicators), a few words each; text, never HTML"))
    unread: bool = Field(description=(
        "held by this caseworker, and the person wrote in it since they last fetched its transcript (opened it or "
        "caught up with it); false for every other item"))


class Queue(Out):
    items: list[QueueItem] = Field(description="waiting, most urgent first (tier, then waiting time)")
    assigned: list[QueueItem] = Field(description="held: by this caseworker, or by anyone for a supervisor")
    online: int = Field(description="caseworkers with a console open")


class NextClaim(Out):
    conversation_id: str | None = Field(description="the claimed conversation; null when nobody waits")


class FoundReport(Out):
    report_id: int
    conversation_id: str
    alias: str
    state: State
    can_open: bool = Field(description="this caseworker may open the conversation (waiting, or held by them; "
                                       "a supervisor any)")


class Claimed(Out):
    conversation_id: str
    claimed: bool


class Ended(Out):
    conversation_id: str


class Released(Out):
    conversation_id: str
    state: State = Field(description=(
        "where it went: queued (the person's request for a person is still open: nobody from the centre has "
        "written since they asked, in a help conversation or a P1; at its tier and place) or bot"))


class Transferred(Out):
    conversation_id: str
    assignee: str = Field(description="the alias of the caseworker who holds it now")


class Button(Out):
    title: str
    payload: str


class MessageMedia(Out):
    """What a person sent that is not text; the message's text is then its marker ("[photo]") and any caption."""

    kind: MediaKind
    file: bool = Field(description="the file can be fetched (GET …/messages/{message_id}/media); a location or "
                                   "a contact is never kept")


class Message(Out):
    id: int
    sender: Sender
    text: str
    buttons: list[Button]
    created_at: datetime
    media: MessageMedia | None
    delivery: Delivery | None = Field(description=(
        "a message to the person: pending (queued, not sent yet), sent, retrying (the channel refused it for "
        "now: tried again later) or failed (the person blocked the bot, or it failed too many times); a "
        "delivery event on the live socket says when it changes. The web chat's are sent (its page fetches "
        "them). None for the person's own messages"))
    pressed: str | None = Field(description=(
        "the person pressed a button (or chose a Telegram command): its words as they saw them, in their "
        "language; never its payload. `text` is then empty, or what came with it (the code of Telegram's "
        "\"/report CODE\"). None for words typed, and for a press stored before the app kept its words"))

    @classmethod
    def of(cls, message: Any) -> Message:
        """From a stored core.messages.Message."""
        media = None if message.media is None else MessageMedia(kind=message.media.kind,
                                                                 file=message.media.kind.kept)
        return cls.model_validate({**message.to_json(), "created_at": message.created_at, "media": media,
                                   "delivery": message.delivery, "pressed": message.pressed})


class Note(Out):
    id: int
    author: str
    text: str
    created_at: datetime


class Addition(Out):
    """Information added later with the reference code (not linked to who added it)."""

    text: str
    created_at: datetime


class Report(Out):
    """A report of a suspicion filed from this conversation."""

    id: int
    sent: bool = Field(description="false while the reporter is still answering")
    created_at: datetime
    details: dict[str, Any] = Field(description=(
        'One entry per answered step, in the order asked (handover/report_flow.py): danger, noticed, where, when, '
        'times, place, relation, people, minors, looks, asked_help, signs, vehicles, ads, who, police_know, '
        'police_share, contact. Each is {"choice": button} or {"words": typed}; signs as {"choices": [...], '
        '"words": typed}. police_share (may the centre share the report with the police) is yes, no or ask_first. '
        'A step not answered, or asked only since the report was written, is absent.'))
    additions: list[Addition]


class ConversationDetails(Out):
    """What the console shows about a conversation besides its transcript (handover/store.py `details`)."""

    conversation_id: str
    alias: str
    state: State
    tier: Tier | None
    kind: Kind
    language: str
    channel: Channel
    assessment: str | None
    assignee_id: int | None
    assignee: str | None
    created_at: datetime
    queued_at: datetime | None


class Conversation(ConversationDetails):
    """A conversation with transcript, notes, screening result and reports."""

    language_name: str = Field(description='for people: "Romanian (Română)", as the queue names it')
    messages: list[Message]
    notes: list[Note]
    screening: dict[str, Any] | None = Field(description=(
        "The screening result (screening/questionnaire.summary): assessment, tier, dimensions, indicators, "
        "age_band, exploitation, immediate_danger, answers, evidence (the person's own words), finished."))
    heard_in_chat: list[str] = Field(description=(
        'What the danger lexicon or the danger button heard in the person\'s messages: "danger", "self_harm", '
        '"child" (handover/queue_lines.py). The conversation\'s tier may come from these while the screening\'s '
        "own questions (screening.immediate_danger, screening.tier) heard nothing."))
    reports: list[Report] = Field(description="oldest first")


class NewMessages(Out):
    messages: list[Message]
    state: State
    assignee: str | None


class SentMessage(Out):
    message: Message


class NoteAdded(Out):
    note: Note


class CannedResponse(Out):
    short_code: str
    text: str


class CannedResponses(Out):
    items: list[CannedResponse]


class AuditEvent(Out):
    id: int
    at: datetime
    caseworker: str | None
    action: str
    conversation_id: str | None
    detail: str | None = Field(description="names and reasons, never anything a person wrote")


class AuditLog(Out):
    items: list[AuditEvent] = Field(description="newest first")


class Term(Out):
    value: str
    label: str


class TierTerm(Out):
    value: str
    urgent: bool  # the consoles ring for these


class Dimension(Out):
    code: str
    label: str


class Vocabulary(Out):
    """The words the console shows, from their source of truth (handover/vocabulary_api.py)."""

    tiers: list[TierTerm]
    states: list[Term]
    kinds: list[Term]
    senders: list[Term]
    dimensions: list[Dimension]
