"""Business refusals: what the rules refuse now, raised by services and mapped to answers by the
views (scoring.views.common.refusal_status). Input that is wrong field by field stays a Django
ValidationError with a message per field; permission stays PermissionDenied.

Every refusal carries a message written for the person who acted, and, where several things
block an action (submitting, finalising, publishing), the list of them."""

from collections.abc import Iterable


class Refused(Exception):
    """An action the rules do not allow now."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    @property
    def messages(self) -> list[str]:
        """The message, then each problem: what a page lists."""
        return [self.message, *self.problems] if self.problems else [self.message]

    def __str__(self) -> str:
        return " ".join(self.messages)


class EntryClosed(Refused):
    """The unit's self-assessment or explanation is closed: submitted, past its deadline, or
    not (or no longer) in that round."""


class RoundClosed(Refused):
    """The council cannot write this item now: the unit is not in the round, or the item is
    not part of it."""


class DutyConflict(Refused):
    """Separation of duties refuses it (units.duties): one's own unit, or two roles that check
    each other."""


class TransitionRefused(Refused):
    """The workflow has no such move, or something still blocks it (`problems`)."""


class StatusConflict(Refused):
    """Someone moved the assessment or the period meanwhile; the page is out of date."""


class ScoreConflict(Refused):
    """The item changed since the user loaded it: `current` is the row stored now (None when it
    was removed). The last write never silently wins."""

    def __init__(self, current, message: str = ""):
        super().__init__(message or "score changed meanwhile")
        self.current = current
