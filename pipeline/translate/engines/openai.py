"""``kind = "openai"``: any OpenAI-compatible chat-completions endpoint.

OpenRouter, OpenAI, and local servers (llama.cpp, Ollama, vLLM) speak it. Several segments
go in one request as a JSON object ``{"1": "...", "2": "..."}``; the reply must be a JSON
object with the same keys and nothing else. Requests run ``concurrency`` at a time; 429
(honouring ``Retry-After``), 5xx, timeouts, dropped connections and unreadable bodies are
retried with exponential backoff; a reply whose ``finish_reason`` is not ``stop``
(truncated, content-filtered) or with text around the JSON is rejected whole, never half
used. The key is read from the environment variable ``api_key_env`` and goes nowhere but
the ``Authorization`` header.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from babel import Locale

from pipeline.translate.engines.base import Answer, EngineError, Job

SYSTEM = (
    "You translate the text of a website from {source} to {target}. The user sends a JSON object whose "
    "values are text segments. Reply with only a JSON object with the same keys, each value translated; "
    "no other text. Tags such as <x1/>, <g2> and </g2> stand for links, code and formatting: keep each "
    "one exactly as written, put it where it belongs in the translation, and add no others."
)
_FENCE = re.compile(r"^```(?:json)?[ \t]*\n(.*)\n```$", re.DOTALL)


class _Retry(Exception):
    """A failure worth another try (after ``wait`` seconds, when the server said so)."""

    def __init__(self, what: str, wait: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.wait = wait


@dataclass(slots=True)
class OpenAI:
    name: str
    base_url: str
    model: str
    api_key_env: str = ""
    price: float = 0.0
    batch_size: int = 20
    concurrency: int = 4
    timeout: float = 120.0
    retries: int = 5
    backoff: float = 2.0
    """Seconds before the first retry; doubled each time (``Retry-After`` wins when given)."""
    max_wait: float = 60.0
    temperature: float = 0.0
    kind: str = "openai"
    sleep: Callable[[float], None] = time.sleep

    def identity(self) -> str:
        return f"openai:{self.base_url.rstrip('/')}:{self.model}:{self.temperature}"

    def model_for(self, target: str) -> str:
        return self.model

    def _key(self) -> str | None:
        if not self.api_key_env:
            return None
        key = os.environ.get(self.api_key_env, "")
        if not key:
            raise EngineError(
                f"engine {self.name!r}: the environment variable {self.api_key_env} is not set",
                hint=f"export {self.api_key_env}=<your key> (it is read from the environment only, never written)",
            )
        return key

    def translate(self, jobs: Sequence[Job]) -> list[list[Answer]]:
        key = self._key()
        batches: list[tuple[int, int, Job]] = []  # (job index, offset, batch)
        for j, job in enumerate(jobs):
            for start in range(0, len(job.texts), max(1, self.batch_size)):
                part = job.texts[start : start + max(1, self.batch_size)]
                batches.append((j, start, Job(part, job.source, job.target, job.instructions)))
        results: list[list[Answer]] = [[Answer(None, "not sent")] * len(job.texts) for job in jobs]
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            done = pool.map(lambda b: self._batch(b[2], key), batches)
            for (j, start, _batch), answers in zip(batches, done, strict=True):
                results[j][start : start + len(answers)] = answers
        return results

    def _batch(self, job: Job, key: str | None) -> list[Answer]:
        body = self._body(job)
        reply = self._post(body, key, job.target)
        return _answers(reply, len(job.texts))

    def _body(self, job: Job) -> bytes:
        system = SYSTEM.format(source=_language(job.source), target=f"{_language(job.target)} ({job.target})")
        if job.instructions:
            system += "\n\n" + job.instructions
        user = json.dumps({str(i + 1): t for i, t in enumerate(job.texts)}, ensure_ascii=False)
        data = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": self.temperature,
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def _post(self, body: bytes, key: str | None, locale: str) -> Mapping[str, Any]:
        url = self.base_url.rstrip("/") + "/chat/completions"
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        last = ""
        for attempt in range(self.retries + 1):
            try:
                return self._once(url, body, headers)
            except _Retry as retry:
                last = retry.what
                if attempt == self.retries:
                    break
                wait = retry.wait if retry.wait is not None else self.backoff * (2**attempt)
                self.sleep(min(wait, self.max_wait))
        raise EngineError(
            f"engine {self.name!r} ({url}), locale {locale}: {last}, {self.retries + 1} tries",
            hint="try again later (pages finished so far are written and remembered), "
            "or raise retries/timeout in its [translate.engines] table",
        )

    def _once(self, url: str, body: bytes, headers: dict[str, str]) -> Mapping[str, Any]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = _detail(exc)
            if exc.code == 429:
                raise _Retry(f"rate limited (HTTP 429{detail})", _retry_after(exc.headers.get("Retry-After"))) from None
            if exc.code >= 500:
                raise _Retry(f"server error (HTTP {exc.code}{detail})") from None
            raise EngineError(
                f"engine {self.name!r} ({url}): HTTP {exc.code}{detail}",
                hint="check base_url, model and the API key in its [translate.engines] table",
            ) from None
        except TimeoutError:
            raise _Retry(f"no reply within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise _Retry(f"no reply within {self.timeout:g} s") from None
            raise _Retry(f"cannot connect ({exc.reason})") from None
        except (ConnectionError, OSError) as exc:
            raise _Retry(f"connection failed ({exc})") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            choice = data["choices"][0]
            content = choice["message"]["content"]
            finish = choice.get("finish_reason")
        except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError):
            raise _Retry("the server's reply is not a chat completion (malformed JSON)") from None
        if not isinstance(content, str):
            raise _Retry("the server's reply has no text content")
        return {"content": content, "finish_reason": finish}


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        message = json.loads(text).get("error", {}).get("message", "")
    except (ValueError, AttributeError):
        message = text
    message = " ".join(str(message).split())[:200]
    return f": {message}" if message else ""


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _answers(reply: Mapping[str, Any], count: int) -> list[Answer]:
    finish = reply.get("finish_reason")
    if finish != "stop":
        why = "truncated" if finish == "length" else "filtered" if finish == "content_filter" else "incomplete"
        return [Answer(None, f"the reply was {why} (finish_reason {finish!r}); nothing of it is used", False)] * count
    content = str(reply["content"]).strip()
    fenced = _FENCE.match(content)
    if fenced:
        content = fenced.group(1).strip()
    try:
        data = json.loads(content)
    except ValueError:
        start, end = content.find("{"), content.rfind("}")
        around = start > 0 or (end >= 0 and end < len(content) - 1)
        reason = (
            "the reply adds text around the translation (commentary)"
            if around
            else "the reply is not the JSON object asked for"
        )
        return [Answer(None, reason, False)] * count
    if not isinstance(data, dict):
        return [Answer(None, "the reply is not the JSON object asked for", False)] * count
    out: list[Answer] = []
    for i in range(count):
        value = data.get(str(i + 1))
        if not isinstance(value, str):
            out.append(Answer(None, "the reply has no translation for this segment", False))
        else:
            out.append(Answer(value))
    return out


def _language(code: str) -> str:
    try:
        return str(Locale.parse(code.replace("-", "_")).english_name)
    except (ValueError, TypeError):
        return code


def from_settings(name: str, table: Mapping[str, Any], where: str) -> OpenAI:
    from pipeline.translate.settings import number, required_str

    return OpenAI(
        name,
        base_url=required_str(table, "base_url", where, "e.g. https://openrouter.ai/api/v1"),
        model=required_str(table, "model", where, "the model's name as the endpoint knows it"),
        api_key_env=str(table.get("api_key_env", "")),
        price=number(table, "price", 0.0, where),
        batch_size=int(number(table, "batch_size", 20, where)),
        concurrency=int(number(table, "concurrency", 4, where)),
        timeout=number(table, "timeout", 120.0, where),
        retries=int(number(table, "retries", 5, where)),
        backoff=number(table, "backoff", 2.0, where),
        max_wait=number(table, "max_wait", 60.0, where),
        temperature=number(table, "temperature", 0.0, where),
    )
