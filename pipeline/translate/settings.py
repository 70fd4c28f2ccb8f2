"""``[translate]`` of ``pipeline.toml`` -> typed settings, and the engines it declares.

```toml
[translate]
engine = "router"              # default engine (default: the built-in "apertium")
publish = false                # build publishes machine entries not yet reviewed
max_spend = 1.0                # the spend gate: estimated cost above it needs --spend N
glossary = "glossary.toml"     # terms kept as they are, or translated one fixed way per locale
on_sync = false                # sync translates new entries itself
instructions = "…"             # text for LLM engines: one string, or a table per locale

[translate.engines.router]
kind = "openai"                # apertium | openai | command
```
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.translate.engines.base import Engine
from pipeline.translate.protect import Glossary
from pipeline.workspace.paths import escapes
from pipeline.workspace.settings import CONFIG_FILE, Config, config_error, key_line, section

_KEYS = frozenset({"engine", "publish", "max_spend", "glossary", "instructions", "engines", "on_sync"})
KINDS = ("apertium", "openai", "command")
DEFAULT_ENGINE = "apertium"
DEFAULT_MAX_SPEND = 1.0


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``pipeline translate`` (and build, for ``publish``) needs to know."""

    engine_name: str = DEFAULT_ENGINE
    publish: bool = False
    max_spend: float = DEFAULT_MAX_SPEND
    on_sync: bool = False
    glossary_path: str = ""
    keep: tuple[str, ...] = ()
    fixed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per locale: term -> its one translation."""
    instructions: Mapping[str, str] = field(default_factory=dict)
    """Per locale (``*`` for every locale)."""
    engines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def glossary(self, locale: str) -> Glossary:
        return Glossary(self.keep, dict(self.fixed.get(locale, {})))

    def glossary_digest(self, locale: str) -> str:
        data = json.dumps([sorted(self.keep), sorted(self.fixed.get(locale, {}).items())], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def instructions_for(self, locale: str) -> str:
        return self.instructions.get(locale, self.instructions.get("*", ""))


def load(cfg: Config) -> Settings:
    """Validate ``[translate]``; errors point at the line to fix."""
    table = section(cfg, "translate")
    where = cfg.config_path or CONFIG_FILE
    for key in sorted(table):
        if key not in _KEYS:
            raise ConfigError(
                f"unknown setting translate.{key}",
                where,
                key_line(cfg.text, "translate", key),
                f"use one of: {', '.join(sorted(_KEYS))}",
            )
    for key in ("publish", "on_sync"):
        if key in table and not isinstance(table[key], bool):
            raise config_error(cfg, key, f"translate.{key} must be true or false")
    max_spend = table.get("max_spend", DEFAULT_MAX_SPEND)
    if isinstance(max_spend, bool) or not isinstance(max_spend, int | float) or max_spend < 0:
        raise config_error(cfg, "max_spend", "translate.max_spend must be a number >= 0", "e.g. max_spend = 2.5")
    engines = table.get("engines", {})
    if not isinstance(engines, dict) or not all(isinstance(v, dict) for v in engines.values()):
        raise config_error(cfg, "engines", "[translate.engines.NAME] must be tables", 'e.g. kind = "apertium"')
    for name, spec in engines.items():
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ConfigError(
                f"[translate.engines.{name}] kind = {kind!r} is not an engine kind",
                where,
                key_line(cfg.text, f"translate.engines.{name}", "kind"),
                f"use one of: {', '.join(KINDS)}",
            )
    name = table.get("engine")
    if name is None:
        name = next(iter(engines)) if len(engines) == 1 else DEFAULT_ENGINE
    if not isinstance(name, str) or (name not in engines and name != DEFAULT_ENGINE):
        raise config_error(
            cfg,
            "engine",
            f"translate.engine = {name!r} names no [translate.engines.{name}] table",
            f"declare it, or use one of: {', '.join(sorted({*engines, DEFAULT_ENGINE}))}",
        )
    instructions = table.get("instructions", {})
    if isinstance(instructions, str):
        instructions = {"*": instructions}
    if not isinstance(instructions, dict) or not all(isinstance(v, str) for v in instructions.values()):
        raise config_error(
            cfg, "instructions", "translate.instructions must be a string or a table of strings per locale"
        )
    keep: tuple[str, ...] = ()
    fixed: dict[str, dict[str, str]] = {}
    glossary = table.get("glossary", "")
    if glossary:
        keep, fixed = _glossary(cfg, glossary)
    return Settings(
        name,
        bool(table.get("publish", False)),
        float(max_spend),
        bool(table.get("on_sync", False)),
        str(glossary),
        keep,
        fixed,
        dict(instructions),
        {k: dict(v) for k, v in engines.items()},
    )


def _glossary(cfg: Config, value: Any) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
    """The glossary file: ``keep = [terms]`` and one ``[locale]`` table of ``term = "translation"``."""
    if not isinstance(value, str) or escapes(value) or Path(value).is_absolute():
        raise config_error(cfg, "glossary", "translate.glossary must be a path inside the project")
    path = cfg.root / value
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise config_error(
            cfg, "glossary", f"glossary file {value} does not exist", "create it or fix the path"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"glossary is not valid TOML: {exc}", value, hint="fix the syntax") from None
    keep = data.pop("keep", [])
    if not isinstance(keep, list) or not all(isinstance(t, str) and t for t in keep):
        raise ConfigError("keep must be a list of terms", value, key_line(path.read_text("utf-8"), "keep") or 1)
    fixed: dict[str, dict[str, str]] = {}
    for locale, terms in data.items():
        if not isinstance(terms, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in terms.items()
        ):
            raise ConfigError(
                f'[{locale}] must be a table of term = "translation"', value, hint='e.g. [es] "AI safety" = "…"'
            )
        fixed[locale] = dict(terms)
    return tuple(keep), fixed


def engine(cfg: Config, settings: Settings, name: str | None = None) -> Engine:
    """The engine to use: ``--engine NAME``, else ``[translate] engine``."""
    from pipeline.translate.engines import apertium, command, openai

    chosen = name or settings.engine_name
    where = cfg.config_path or CONFIG_FILE
    spec = settings.engines.get(chosen)
    if spec is None:
        if chosen != DEFAULT_ENGINE:
            raise ConfigError(
                f"no engine named {chosen!r}",
                hint=f"declare [translate.engines.{chosen}] in {where}, or use one of: "
                f"{', '.join(sorted({*settings.engines, DEFAULT_ENGINE}))}",
            )
        spec = {"kind": "apertium"}
    kind = spec["kind"]
    if kind == "apertium":
        return apertium.from_settings(chosen, spec, where)
    if kind == "openai":
        return openai.from_settings(chosen, spec, where)
    return command.from_settings(chosen, spec, where, cfg.root)


def number(table: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{key} must be a number >= 0", where, hint=f"e.g. {key} = {default:g}")
    return float(value)


def required_str(table: Mapping[str, Any], key: str, where: str, hint: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f'the engine needs {key} = "…"', where, hint=hint)
    return value


def str_table(table: Mapping[str, Any], key: str, where: str) -> dict[str, str]:
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{key} must be a table of strings", where, hint='e.g. pairs = { es = "eng-spa" }')
    return dict(value)
