"""Exceptions named after the business condition. Pages and the API turn them into messages."""

from data.errors import DomainError as DomainError  # noqa: PLC0414  (re-exported: every refusal's base)


class ValidationFailed(DomainError):
    """One or more fields are invalid; `problems` maps each field to what to fix."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))


class KeyReused(ValidationFailed):
    """A submission key (the API's Idempotency-Key) sent again with a different request: answering
    with the first request's result would hide that the second was never carried out."""

    def __init__(self) -> None:
        super().__init__({"key": "This key was already used for a different request; send a new key."})


class Forbidden(DomainError):
    """The signed-in user's roles do not allow this action."""


class NotFound(DomainError):
    """No such record, or not one this user may see (the two are not told apart)."""


class EmailTaken(DomainError):
    pass


class InvalidCredentials(DomainError):
    pass


class LoginLocked(DomainError):
    pass


class SessionExpired(DomainError):
    pass


class NotYourStore(Forbidden):
    pass


class DealerNotVerified(Forbidden):
    pass


class AlreadyApplied(DomainError):
    pass


class InvalidTransition(DomainError):
    """The record is not in a state that allows this change (e.g. verifying a rejected dealer)."""


class EmailNotVerified(Forbidden):
    """The account's email address has not been confirmed by following the emailed link."""


class RateLimited(DomainError):
    """Too many of one act in a short time (bids, registrations, reports): nothing was done, and
    `retry_after` says in how many seconds the next one will be let through."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AlreadyReported(DomainError):
    """The user already reported this listing, seller or bidder: one report each."""
