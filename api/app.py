"""The rectrack HTTP API: `create_app(settings)` builds it; `rectrack api` serves it.

Everything the CLI does, and the manager reports, as JSON over HTTP with bearer tokens
(`rectrack token create`). Reads come from the store, actions go to the workflows
through the service layer (app/). Errors are `application/problem+json` (see api.problems).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from temporalio.client import Client

from api import codec, dashboard, health, memo_actions, memos, recommendation_actions, reports
from api.limits import BodyLimit
from api.metrics import ApiMetrics, Observe, serve_metrics
from api.problems import Problem, install_problem_handlers
from app.context import Context
from app.telemetry import tracer
from settings import Settings
from store.db import make_engine
from store.migrate import upgrade

DESCRIPTION = """\
Recommendation tracking for oversight offices: memos of numbered recommendations issued
to agency components, their responses, follow-up to closure, and manager reports.

**Authentication**: every route needs `Authorization: Bearer <token>`, a token from
`rectrack token create --role office|agency|manager`. `office` tokens may do
everything; `manager` tokens read everything (memos and reports) and change nothing;
`agency` tokens are bound to one component: they read only its memos (any other memo is
404) and may record responses, action plans, status updates and extension requests on
them (anything else is 403).

**Dates**: business dates are ISO dates (`2023-01-30`). Dates an action defaults (`on`,
`received_on`, ...) are today in the memo's office time zone when left out.

**Errors** are `application/problem+json` documents (`type`, `title`, `status`,
`detail`, `field`): 401 bad token, 403 role not allowed, 404 unknown (or hidden) memo,
recommendation or report kind, 409 not allowed in the current state, 422 invalid input
(`field` names it), 413 a body over the limit, 503 Temporal unreachable.

**Limits**: request bodies up to 512 KiB; titles up to 500 characters, names up to
200, texts (recommendations, rationales, reasons, justifications) up to 10,000, at most
1,000 recommendations per memo; business dates from 1950-01-01, issue dates up to
tomorrow, due and target dates within 30 years of the memo's issue date.
"""

TAGS = [
    {"name": "memos", "description": "Read memos (from the store) and issue new ones."},
    {"name": "memo actions", "description": "Actions on a whole memo."},
    {"name": "recommendation actions", "description": "Follow-up of one recommendation."},
    {"name": "reports", "description": "Manager reports, as JSON or CSV."},
]


def create_app(settings: Settings, *, temporal_client: Client | None = None) -> FastAPI:
    """The API over `settings`' store and Temporal (`temporal_client`, else one connected
    from TEMPORAL_* settings on first use); its metrics served on RECTRACK_API_METRICS_PORT
    and its requests traced when tracing is on (api.metrics)."""
    engine = make_engine(settings.db_url)
    upgrade(engine)  # the newest schema (a no-op at head; store.migrate)
    metrics = ApiMetrics() if settings.api_metrics_port is not None else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        exposition = None
        if metrics is not None and settings.api_metrics_port is not None:
            exposition = serve_metrics(metrics, settings.metrics_host, settings.api_metrics_port)
        try:
            yield
        finally:
            if exposition is not None:
                await exposition.stop()
            engine.dispose()

    app = FastAPI(title="rectrack API", version="1.0", description=DESCRIPTION,
                  openapi_tags=TAGS, lifespan=lifespan)
    app.state.rectrack = Context(settings, engine, temporal_client)
    install_problem_handlers(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(Observe, metrics=metrics, tracer=tracer(settings))  # outermost
    for module in (memos, memo_actions, recommendation_actions, reports):
        app.include_router(module.router)
    app.include_router(dashboard.router)  # the HTML pages, left out of OpenAPI
    app.include_router(codec.router)  # for the Temporal UI, left out of OpenAPI
    app.include_router(health.router)  # /healthz, /readyz, left out of OpenAPI
    _document_problem(app)
    return app


def _document_problem(app: FastAPI) -> None:
    """Make sure the Problem schema is in the OpenAPI document (error responses use it)."""
    build = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {}).setdefault(
                "Problem", Problem.model_json_schema(ref_template="#/components/schemas/"
                                                     "{model}"))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
