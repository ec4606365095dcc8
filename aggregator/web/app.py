"""The web application: server-rendered pages, the JSON API, feeds and the alert sign-up."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from aggregator import __version__, clock
from aggregator.db import open_database, session_factory
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.settings import Settings
from aggregator.web import render
from aggregator.web.response_cache import ResponseCache
from aggregator.web.security import (
    CsrfError,
    RateLimiter,
    SecurityMiddleware,
    csrf_token,
    signed_token,
)

HERE = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)

DESCRIPTION = """Open data of AI safety jobs, fellowships, grants and programs.

Filters: values within one parameter are OR (repeat the parameter), parameters are AND.
Lists paginate with an opaque `cursor`; pass `next_cursor` back to get the next page.
"""


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


JSON = ("/api/", "/feeds/")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON)


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render.page(request, "error.html", {"message": message}, status_code=status)


class DropEmptyParams:
    """HTML forms send empty fields (``posted_within=``): for pages they mean "any"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and scope.get("query_string") and not path.startswith(JSON):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v != ""]
            scope = dict(scope, query_string=urlencode(kept).encode("latin-1"))
        await self.app(scope, receive, send)


def warm_up(sessions: Callable[[], Session], templates: Jinja2Templates) -> None:
    """Build this process's per-process indexes (counts, alert previews), compile the
    templates and freeze the heap. A worker process that starts cold builds them in its
    first requests: seconds of CPU at 50,000 postings, with every request that reached it
    waiting."""
    from aggregator.search.counts import count_index
    from aggregator.web.subscribe import RECENT

    with sessions() as session:
        count_index(session)
        RECENT.get(session)
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    # What the process holds from now on (modules, templates, indexes) is left out of
    # the cyclic collector's passes: a full pass over it took 300-670 ms with the
    # worker's requests waiting (the 32-client bench's p99); 20-60 ms after this.
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, *, warm: bool = False) -> FastAPI:
    """The FastAPI application serving ``settings``' database. With ``warm`` it builds
    its indexes at startup (:func:`warm_up`), before it takes requests: uvicorn's worker
    processes start taking connections only after that."""
    from aggregator.web import (
        api,
        api_docs,
        feeds,
        follows,
        manage,
        pages,
        programs,
        reports,
        submissions,
        subscribe,
    )

    # Each request thread holds a connection: as many connections as threads.
    engine = open_database(settings, pool_size=settings.web_threads)
    if settings.fixed_now:
        clock.set_fixed(settings.fixed_now)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Request threads beyond this wait for a free one instead of for a connection.
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        if warm:
            await to_thread.run_sync(warm_up, app.state.sessions, app.state.templates)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="aisafety-jobs",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # aggregator.web.api_docs serves /api/docs without script
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.secret = settings.resolved_secret_key().split(",")[-1].strip()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    render.configure(templates.env)
    templates.env.globals["csrf_token"] = csrf_token
    app.state.templates = templates
    app.state.subscribe_limiter = RateLimiter(settings.subscribe_rate_limit)
    app.state.report_limiter = RateLimiter(settings.report_rate_limit)
    app.state.submit_limiter = RateLimiter(settings.submit_rate_limit)
    # Innermost of the three: keyed on the query as DropEmptyParams leaves it, under the
    # security headers and the visitor's cookie.
    app.add_middleware(ResponseCache, sessions=app.state.sessions, csrf_token=signed_token)
    app.add_middleware(DropEmptyParams)
    app.add_middleware(SecurityMiddleware)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, _validation_message(exc))

    @app.exception_handler(CsrfError)
    async def csrf_error(request: Request, exc: CsrfError) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any) -> Response:
        detail = getattr(exc, "detail", None)
        return _error(request, 404, detail if isinstance(detail, str) else "Not found")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log(logger, logging.ERROR, "web.error", path=request.url.path, error=repr(exc))
        return _error(request, 500, "Something went wrong on our side; please try again.")

    app.include_router(api_docs.router)
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(subscribe.router)
    app.include_router(manage.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.include_router(programs.router)
    app.include_router(follows.router)
    app.include_router(submissions.router)
    return app
