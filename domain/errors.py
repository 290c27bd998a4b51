"""Domain errors.

Hierarchy:
    DomainError            -- any rule violation; the message names what is wrong
      ├── InvalidTransition -- the action is not allowed in the current state
      └── UnknownItem       -- the action names a memo or recommendation that does not exist
"""


class DomainError(ValueError):
    """A rule of the domain was broken; str(error) is one clear line for the user."""


class InvalidTransition(DomainError):
    """The requested change is not allowed in the current state."""


class UnknownItem(DomainError):
    """The request refers to something that does not exist."""
