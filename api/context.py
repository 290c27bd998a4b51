"""What every request shares: the service layer's Context (settings, the store's engine,
the Temporal client), one per app, kept in `app.state`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.context import Context

AppContext = Context


def context_of(request: Request) -> Context:
    ctx = request.app.state.rectrack
    assert isinstance(ctx, Context)
    return ctx


def _context(request: Request) -> Context:
    return context_of(request)


# A route's parameter: the app's Context (`ctx: Ctx`).
Ctx = Annotated[Context, Depends(_context)]
