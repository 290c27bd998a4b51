"""Domain errors.

Hierarchy:
    DomainError            -- any rule violation; the message names what is wrong
      ├── InvalidTransition -- the action is not allowed in the current state
      └── UnknownItem       -- the action names a memo or recommendation that does not exist

A rule that knows which input field is at fault says so (`field`, e.g. `received_on`):
the workflows pass it on with the update's rejection, so clients never parse messages.
"""


class DomainError(ValueError):
    """A rule of the domain was broken; str(error) is one clear line for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(DomainError):
    """The requested change is not allowed in the current state."""


class UnknownItem(DomainError):
    """The request refers to something that does not exist."""
