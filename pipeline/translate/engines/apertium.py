"""``kind = "apertium"``: the offline rule-based engine from Debian (``apertium-eng-spa`` …).

Segments go through one ``apertium -u -f html PAIR`` process per batch, one ``<p>`` each.
Apertium's HTML mode keeps tags; pairs become ``<span id="gN">`` and atoms ``⟦N⟧`` (a
token it leaves alone). Apertium copies an inline tag onto each word it wraps, so
repeated tags of one pair are merged back; a tag lost with a dropped word is a lost
placeholder, and that segment is rejected.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.translate.engines.base import Answer, EngineError, Job

ISO3 = {
    "en": "eng",
    "es": "spa",
    "ca": "cat",
    "fr": "fra",
    "pt": "por",
    "it": "ita",
    "gl": "glg",
    "eo": "epo",
    "de": "deu",
    "nl": "nld",
    "oc": "oci",
    "eu": "eus",
    "ro": "ron",
    "sv": "swe",
    "da": "dan",
    "nb": "nob",
    "nn": "nno",
    "is": "isl",
    "cy": "cym",
    "br": "bre",
    "ga": "gle",
    "kk": "kaz",
    "tt": "tat",
    "be": "bel",
    "uk": "ukr",
    "ru": "rus",
    "fi": "fin",
    "pl": "pol",
    "cs": "ces",
    "hu": "hun",
    "el": "ell",
    "ar": "ara",
    "ja": "jpn",
    "zh": "zho",
    "ko": "kor",
    "tr": "tur",
    "hi": "hin",
}
"""ISO 639-1 -> the three-letter codes Apertium's pair names use."""

_OPEN = re.compile(r'<span id="g(\d+)">')
_TAGS = re.compile(r'<span id="g(\d+)">|</span>|⟦(\d+)⟧')
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@dataclass(slots=True)
class Apertium:
    name: str
    pairs: Mapping[str, str]
    """Locale -> pair name, where the default (``eng-spa`` for ``es``) is not right."""
    executable: str = "apertium"
    timeout: float = 600.0
    kind: str = "apertium"
    price: float = 0.0
    batch_size: int = 2000

    installed: tuple[str, ...] | None = None

    def identity(self) -> str:
        return f"apertium:{dict(sorted(self.pairs.items()))}"

    def model_for(self, target: str) -> str:
        return self.pair("en", target)

    def pair(self, source: str, target: str) -> str:
        if target in self.pairs:
            return self.pairs[target]
        lang = target.replace("-", "_").split("_")[0]
        src = ISO3.get(source.split("_")[0], source)
        return f"{src}-{ISO3.get(lang, lang)}"

    def translate(self, jobs: Sequence[Job]) -> list[list[Answer]]:
        return [self._job(job) for job in jobs]

    def _job(self, job: Job) -> list[Answer]:
        pair = self.pair(job.source, job.target)
        exe = shutil.which(self.executable)
        if exe is None:
            raise EngineError(
                f"engine {self.name!r}: the apertium program is not installed",
                hint="install it (Debian: apt-get install apertium apertium-eng-spa) or choose another engine",
            )
        if self.installed is None:
            self.installed = tuple(
                subprocess.run([exe, "-l"], capture_output=True, text=True, check=False).stdout.split()
            )
        listed = self.installed
        if pair not in listed:
            raise EngineError(
                f"engine {self.name!r}: apertium has no pair {pair!r} for locale {job.target!r}",
                hint=f'install apertium-{pair} (Debian), or set pairs = {{ {job.target} = "…" }} in '
                f"[translate.engines.{self.name}] (installed: {', '.join(listed) or 'none'})",
            )
        if not job.texts:
            return []
        data = "".join(f"<p>{to_apertium(t)}</p>\n" for t in job.texts)
        try:
            run = subprocess.run(
                [exe, "-u", "-f", "html", pair],
                input=data,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"engine {self.name!r}: apertium took more than {self.timeout:g} s",
                hint="raise timeout in its [translate.engines] table, or translate fewer pages (--pages)",
            ) from None
        if run.returncode != 0:
            raise EngineError(
                f"engine {self.name!r}: apertium {pair} failed: {run.stderr.strip()[:300]}",
                hint="run 'echo hello | apertium -f html " + pair + "' to see the problem",
            )
        out = _PARAGRAPH.findall(run.stdout)
        if len(out) != len(job.texts):
            raise EngineError(
                f"engine {self.name!r}: apertium returned {len(out)} paragraphs for {len(job.texts)} segments",
                hint="report this with the page that caused it; translate other pages with --pages meanwhile",
            )
        return [Answer(from_apertium(text)) for text in out]


def to_apertium(protected: str) -> str:
    """Canonical placeholders -> Apertium's dialect (tags it keeps, a token it leaves alone)."""
    text = re.sub(r"<x(\d+)/>", r"⟦\1⟧", protected)
    text = re.sub(r"<g(\d+)>", r'<span id="g\1">', text)
    return re.sub(r"</g\d+>", "</span>", text)


def from_apertium(text: str) -> str:
    """Apertium's reply -> canonical placeholders; a pair's tags copied onto several words merged."""
    tokens: list[tuple[str, str]] = []  # (kind, value): text | open N | close N | atom N
    stack: list[str] = []
    pos = 0
    for m in _TAGS.finditer(text):
        tokens.append(("text", text[pos : m.start()]))
        if m.group(1) is not None:
            stack.append(m.group(1))
            tokens.append(("open", m.group(1)))
        elif m.group(2) is not None:
            tokens.append(("atom", m.group(2)))
        else:
            tokens.append(("close", stack.pop() if stack else "?"))
        pos = m.end()
    tokens.append(("text", text[pos:]))
    first_open: dict[str, int] = {}
    last_close: dict[str, int] = {}
    for i, (kind, value) in enumerate(tokens):
        if kind == "open":
            first_open.setdefault(value, i)
        elif kind == "close":
            last_close[value] = i
    out: list[str] = []
    for i, (kind, value) in enumerate(tokens):
        if kind == "text":
            out.append(value)
        elif kind == "atom":
            out.append(f"<x{value}/>")
        elif kind == "open" and first_open.get(value) == i:
            out.append(f"<g{value}>")
        elif kind == "close" and last_close.get(value) == i:
            out.append(f"</g{value}>")
    return "".join(out)


def from_settings(name: str, table: Mapping[str, Any], where: str) -> Apertium:
    from pipeline.translate.settings import number, str_table

    return Apertium(
        name,
        str_table(table, "pairs", where),
        executable=str(table.get("executable", "apertium")),
        timeout=number(table, "timeout", 600.0, where),
        batch_size=int(number(table, "batch_size", 2000, where)),
    )
