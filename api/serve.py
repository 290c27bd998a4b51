"""Serving the API with uvicorn inside an event loop that others share (the worker's in
`rectrack dev`, the tests'): the caller binds the socket (so a busy port is an OSError
at once, and port 0 works) and owns the signal handlers (uvicorn's are not installed)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

START_TIMEOUT_SECONDS = 30.0


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the caller's signal handlers stay in place


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on host:port (OSError if the port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol must be named: asyncio sets TCP_NODELAY on accepted connections only
    # for a socket whose `proto` is IPPROTO_TCP. Without it, every response after the
    # first on a keep-alive connection waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


@dataclass
class RunningApi:
    server: uvicorn.Server
    task: asyncio.Task[None]
    url: str

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def start_api(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000,
                    log_level: str = "warning", access_log: bool = False) -> RunningApi:
    """Serve `app` on host:port as a task of the running loop; returns once it listens."""
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level=log_level, access_log=access_log, ws="none",
                            http="h11", lifespan="on", log_config=None)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_SECONDS
    while not server.started:
        if task.done():
            task.result()  # startup failed: raise its error
            raise RuntimeError("the API server stopped during start-up")
        if loop.time() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the API server did not start within "
                               f"{START_TIMEOUT_SECONDS:.0f} s")
        await asyncio.sleep(0.02)
    shown = f"[{host}]" if ":" in host else host
    return RunningApi(server=server, task=task, url=f"http://{shown}:{bound_port}")
