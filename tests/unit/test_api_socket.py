"""The API's listening socket hands out connections with Nagle's algorithm off, so a
keep-alive client never waits for a delayed ACK between two requests (issue 12: every
API call cost ~44 ms before, `/healthz` included)."""

from __future__ import annotations

import asyncio
import socket

from api.serve import bind


async def test_accepted_connections_have_tcp_nodelay() -> None:
    listening = bind("127.0.0.1", 0)
    listening.listen()
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn: socket.socket = writer.get_extra_info("socket")
        accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(handle, sock=listening)
    async with server:
        host, port = listening.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
        await writer.wait_closed()
