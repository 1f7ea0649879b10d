"""What went wrong, said once: the service layer raises these, and one middleware (core/json_api.py) turns them
into `{"error": "<sentence>"}` with the status of their kind.

A sentence is for the person in front of the console or the chat: what happened and, where it helps, what to
do. It never contains what a person wrote, a password, a token or an address; ids only where the caller sent
them.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Something the caller can understand and act on; `status` is the HTTP status of its kind.

    Each kind below names its status and default sentence in its class line, so the list reads as a table.
    """

    status = 500
    default = "Something went wrong on our side."

    def __init_subclass__(cls, status: int | None = None, default: str | None = None) -> None:
        # A narrower error (NotHolder(Conflict)) keeps its parent's status and sentence unless it names its own.
        cls.status = status or cls.status
        cls.default = default or cls.default

    def __init__(self, sentence: str | None = None) -> None:
        self.sentence = sentence or self.default
        super().__init__(self.sentence)


class Invalid(ServiceError, status=400, default="This request is not valid."):
    """The request is not what this endpoint takes (bad JSON, a missing or wrong field, an unknown choice)."""


class Unauthenticated(ServiceError, status=401, default="Please log in."):
    """Nobody is logged in, the session has ended, or the name or password is wrong."""


class Forbidden(ServiceError, status=403, default="You are not allowed to do this."):
    """Logged in, but not allowed to do this."""


class NotFound(ServiceError, status=404, default="There is nothing here."):
    """What the request names does not exist."""


class Conflict(ServiceError, status=409, default="This cannot be done right now."):
    """The thing is not in a state that allows this any more (someone else was faster, it was closed)."""


class Gone(ServiceError, status=410, default="This address is no longer in use."):
    """An address that has been retired for good (the web chat's old session-in-the-path URLs)."""


class TooLarge(ServiceError, status=413, default="This is too long."):
    """The body or a text is longer than this endpoint takes."""


class NotJson(ServiceError, status=415, default="Please send JSON, with the header Content-Type: application/json."):
    """A body of another type: refused before it is read (a form or text/plain post from another site, too)."""


class TooMany(ServiceError, status=429, default="Too many attempts. Please wait a few minutes and try again."):
    """Over a rate limit (core/limits.py); `retry_after` (seconds) goes out as the Retry-After header."""

    def __init__(self, sentence: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(sentence)
        self.retry_after = retry_after


class Unavailable(ServiceError, status=503,
                  default="This is not available right now. Please try again in a moment."):
    """A part we depend on does not answer; trying again later may work."""


KINDS: tuple[type[ServiceError], ...] = (Invalid, Unauthenticated, Forbidden, NotFound, Conflict, Gone,
                                         TooLarge, NotJson, TooMany, Unavailable)
