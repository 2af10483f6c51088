"""Connection-level faults of the sandbox: drop the connection after the posting committed, or write the
answer twice. ASGI cannot express either, so this wrapper reaches the server's transport through uvicorn's
`send` (a bound method of its request cycle, which holds the asyncio transport)."""

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from erp.sandbox.faults import FAULT_STATE

REASONS = {200: "OK", 201: "Created"}


def _transport(send: Send) -> Any:
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("connection faults need uvicorn: the server's transport is not reachable")
    return transport


class ConnectionFaults:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        sent: list[Message] = []
        dropped = False

        async def faulty_send(message: Message) -> None:
            nonlocal dropped
            fault = state.get(FAULT_STATE)
            if dropped:
                return
            if fault == "drop" and message["type"] == "http.response.start":
                dropped = True
                _transport(send).abort()
                return
            await send(message)
            sent.append(message)
            if (
                fault == "ack_twice"
                and message["type"] == "http.response.body"
                and not message.get("more_body")
            ):
                _transport(send).write(_raw_response(sent))

        await self.app(scope, receive, faulty_send)


def _raw_response(messages: list[Message]) -> bytes:
    start = messages[0]
    status = int(start["status"])
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}".encode()]
    lines += [name + b": " + value for name, value in start.get("headers", [])]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
