"""Prepared HTTP/1.1 requests sent on an even schedule (an open loop), over keep-alive
connections, by one asyncio loop.

The storm's first sender (`requests` in 64 threads) took more CPU a request than
the portal's answer, on the same 2 cores, and started requests late when the
threads waited for the interpreter lock: it measured itself as much as the
portal. Here a request costs a write and a read on a socket. Each request is
due at its instant; when every connection is busy it waits for one, and that
wait is recorded as its lateness, so a late sender shows in the figures instead
of hiding an overloaded server. The answer time is from the instant the request
was due (its lateness included) to the instant its answer was read whole.
"""

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Sent:
    """What the storm saw: per request (in the order answered) its answer time, or the
    time it took to fail, and how late it was written (seconds); a count of statuses
    (an exception's name where no answer came)."""

    answers: list[float] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)
    statuses: dict[int | str, int] = field(default_factory=dict)

    def count(self, status: int | str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


def request_bytes(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """A POST of `body` to `path`, ready to write on a keep-alive connection."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def send(
    address: tuple[str, int],
    requests: list[bytes],
    rate: float,
    connections: int,
    timeout: float,
) -> Sent:
    """Sends request n at 1 s + n / rate from now; returns what came back."""
    return asyncio.run(_storm(address, requests, rate, connections, timeout))


async def _storm(address, requests, rate, connections, timeout) -> Sent:
    sent = Sent()
    idle: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await asyncio.open_connection(*address))
    start = time.monotonic() + 1
    pending = set()
    for n, request in enumerate(requests):
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        stream = await idle.get()
        task = asyncio.create_task(_exchange(address, stream, request, due, timeout, sent, idle))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    while not idle.empty():
        idle.get_nowait()[1].close()
    return sent


async def _exchange(address, stream, request, due, timeout, sent, idle) -> None:
    reader, writer = stream
    late = time.monotonic() - due
    try:
        writer.write(request)
        status: int | str = await asyncio.wait_for(_answer(reader), timeout)
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
        status = type(exc).__name__
    sent.answers.append(time.monotonic() - due)
    sent.lateness.append(late)
    sent.count(status)
    if isinstance(status, str):
        writer.close()
        stream = await asyncio.open_connection(*address)  # a fresh one in its place
    idle.put_nowait(stream)


async def _answer(reader: asyncio.StreamReader) -> int:
    """Reads one answer whole (its head and a Content-Length body); its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(lines[0].split()[1])
