"""Wait for the store at start: a worker that starts while its database is briefly away
(a PostgreSQL restart, a failover, a cluster whose database comes up last) waits for it
with a bounded backoff instead of exiting, logging each wait.

Only a connection that cannot be made is waited for (`OperationalError`, which is what
SQLAlchemy raises for a refused, reset or not-yet-accepting server). A store that answers
with something wrong, such as an unknown revision, fails at once: waiting would not fix
it. When the patience runs out, `StoreUnreachable` names the last error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

T = TypeVar("T")
log = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 5.0


class StoreUnreachable(RuntimeError):
    """The store could not be reached within the start-up patience."""


def when_reachable(action: Callable[[], T], *, patience: float,
                   sleep: Callable[[float], None] = time.sleep,
                   clock: Callable[[], float] = time.monotonic) -> T:
    """Run `action`, retrying while the database refuses connections, for `patience` s.

    Blocking (it sleeps): call it from a thread, never on the event loop."""
    give_up_at = clock() + patience
    wait = FIRST_WAIT_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except OperationalError as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            left = give_up_at - clock()
            if left <= 0:
                raise StoreUnreachable(
                    f"the store is not reachable after {attempt} attempts in "
                    f"{patience:g} s: {reason}") from error
            wait = min(wait, left)
            log.warning("store not reachable yet (attempt %d): %s; retrying in %.1f s",
                        attempt, reason, wait)
            sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_SECONDS)
