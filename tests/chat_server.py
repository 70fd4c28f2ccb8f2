"""A chat-completions server on 127.0.0.1 for the ``openai`` engine's tests (real HTTP, real wire format).

It "translates" by upper-casing text outside tags (the test convention: output shows at a
glance what was translated). ``script`` is a queue of behaviours, one per request; when it
is empty every request is answered normally.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_TAG = re.compile(r"<[^<>]*>")


def upper_outside_tags(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        out.append(text[pos : m.start()].upper())
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].upper())
    return "".join(out)


@dataclass
class ChatServer:
    """Records each request (headers and JSON body); replies per ``script``."""

    script: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    translate: Callable[[str], str] = upper_outside_tags
    url: str = ""
    in_flight: int = 0
    most_in_flight: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> ChatServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with owner._lock:
                    owner.requests.append(body)
                    owner.headers.append(dict(self.headers))
                    action = owner.script.pop(0) if owner.script else "ok"
                with owner._lock:
                    owner.in_flight += 1
                    owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
                try:
                    owner.respond(self, action, body)
                finally:
                    with owner._lock:
                        owner.in_flight -= 1

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def respond(self, h: BaseHTTPRequestHandler, action: str, body: dict[str, Any]) -> None:
        if action == "429":
            self._send(h, 429, {"error": {"message": "rate limited"}}, {"Retry-After": "0"})
            return
        if action == "500":
            self._send(h, 500, {"error": {"message": "upstream failure"}})
            return
        if action == "400":
            self._send(h, 400, {"error": {"message": "no such model"}})
            return
        if action == "garbage":
            self._raw(h, 200, b"<html>bad gateway</html>")
            return
        if action == "sleep":
            time.sleep(1.5)
        if action == "slow":
            time.sleep(0.3)
        segments = json.loads(body["messages"][-1]["content"])
        translated = {k: self.translate(v) for k, v in segments.items()}
        content = json.dumps(translated, ensure_ascii=False)
        finish = "stop"
        if action == "commentary":
            content = "Here is the translation you asked for:\n" + content + "\nI kept every tag in place."
        elif action == "fenced":
            content = "```json\n" + content + "\n```"
        elif action == "length":
            content, finish = content[: len(content) // 2], "length"
        elif action == "url":  # a model that "translates" a link target: the placeholder is gone
            translated = {k: re.sub(r"<x\d+/>", "/es/plan-de-accion", v) for k, v in translated.items()}
            content = json.dumps(translated, ensure_ascii=False)
        elif action == "note":
            translated = {k: "Traducción: " + v for k, v in translated.items()}
            content = json.dumps(translated, ensure_ascii=False)
        reply = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1700000000,
            "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        self._send(h, 200, reply)

    def _send(self, h: BaseHTTPRequestHandler, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(h, code, json.dumps(data).encode("utf-8"), headers)

    def _raw(self, h: BaseHTTPRequestHandler, code: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            h.send_response(code)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
