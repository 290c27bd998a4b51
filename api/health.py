"""Liveness and readiness for orchestrators and load balancers (left out of OpenAPI).

- `GET /healthz`: 200 while the process serves requests.
- `GET /readyz`: 200 when the store answers a query and Temporal answers its health
  check (within 2 s), else 503; the body names each check's result, so an operator sees
  which dependency is missing.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlmodel import Session
from temporalio.service import RPCError

from api.context import Ctx
from app.errors import AppError

router = APIRouter(include_in_schema=False)
CHECK_TIMEOUT = timedelta(seconds=2)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(ctx: Ctx) -> JSONResponse:
    checks = {"store": await _store(ctx), "temporal": await _temporal(ctx)}
    ready = all(result == "ok" for result in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


async def _store(ctx: Ctx) -> str:
    def probe(session: Session) -> None:
        session.connection().execute(text("SELECT 1"))

    try:
        await ctx.read(probe)
    except AppError as error:
        return error.message
    return "ok"


async def _temporal(ctx: Ctx) -> str:
    try:
        client = await ctx.client()
        healthy = await client.service_client.check_health(timeout=CHECK_TIMEOUT)
    except AppError as error:
        return error.message
    except (RPCError, RuntimeError) as error:
        return f"Temporal does not answer: {error}"
    return "ok" if healthy else "Temporal reports itself not serving"
