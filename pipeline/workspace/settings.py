"""``pipeline.toml`` (or ``[tool.pipeline]`` in ``pyproject.toml``) -> one frozen ``Settings``, parsed once.

Every section is validated here, when the file is read, by the ``from_table`` of the stage that
owns it (``UpdateOptions``, ``BuildOptions``, ``SiteOptions``, ``CheckOptions``, the upstream
``Settings``, the ``[[messages]]`` sources); the stages receive those values and never read the
file. ``Config`` is the same class under its old name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from pipeline.check.options import CheckOptions, Equivalent, SiteOptions
from pipeline.errors import ConfigError
from pipeline.git.options import UpstreamOptions
from pipeline.segment.options import Options
from pipeline.stages.build_options import BuildOptions
from pipeline.stages.update_options import UpdateOptions
from pipeline.tables import CONFIG_FILE, ConfigText, key_line, toml_error_line
from pipeline.tables import line_of as _line_of
from pipeline.workspace.dialect import MDX_PROPS, Dialect
from pipeline.workspace.message_sources import MessageSource, parse_sources
from pipeline.workspace.paths import escapes

__all__ = [
    "CONFIG_FILE",
    "Config",
    "ConfigText",
    "Settings",
    "config_error",
    "from_dict",
    "key_line",
    "load",
    "section",
    "toml_error_line",
    "validate_locale",
]

_TOP_KEYS = frozenset(
    {
        "source",
        "locales_dir",
        "output",
        "locales",
        "front_matter",
        "segment",
        "build",
        "upstream",
        "site",
        "check",
        "update",
        "messages",
        "translate",
    }
)
"""Top-level keys and sections; each section is parsed by the ``from_table`` of the stage that owns it."""


class WorkspaceSlot:
    """Where the command's ``Workspace`` hangs on its settings; never pickled (workers start empty)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: object = None

    def get(self) -> object:
        return self.value

    def __reduce__(self) -> tuple[type[WorkspaceSlot], tuple[()]]:
        return (WorkspaceSlot, ())


@dataclass(frozen=True, slots=True)
class Settings:
    """Where things live, what gets translated and every stage's options; every path is inside ``root``."""

    root: Path
    source: str = "source"
    """English pages (``**/*.md``), relative to root."""
    locales_dir: str = "locales"
    """``templates/<page>.pot`` and ``<locale>/<page>.po`` live here."""
    output: str = "build/{locale}"
    """Translated pages, same relative paths as the source; ``{locale}`` is replaced."""
    locales: tuple[str, ...] = ()
    """Target locales; empty means the sub-folders of ``locales_dir`` except ``templates``."""
    front_matter: tuple[str, ...] = ("title", "description")
    """Front-matter keys whose values are translated (dotted paths reach nested keys)."""
    html_attributes: tuple[str, ...] = ("alt", "title")
    """HTML attributes whose values are translated inside raw HTML blocks."""
    config_path: str | None = None
    """The file the settings came from, for messages."""
    raw: dict[str, Any] = field(default_factory=dict)
    """The whole parsed table (only for a section that has no ``from_table`` yet)."""
    text: str = ""
    """The configuration file's text, to point errors at a line."""
    segment: Options = field(default_factory=lambda: Options(smartypants=True))
    """The segmenter's and builder's options (translated keys and attributes, the renderer's quirks)."""
    update: UpdateOptions = field(default_factory=UpdateOptions)
    """``[update]``."""
    build: BuildOptions = field(default_factory=BuildOptions)
    """``[build]``."""
    site: SiteOptions = field(default_factory=SiteOptions)
    dialect: Dialect = field(default_factory=Dialect)
    """``[site] dialect``: how pages are read and which files are pages."""
    """``[site]``: how the website serves pages (``check``)."""
    check: CheckOptions = field(default_factory=CheckOptions)
    """``[check]``: severities of check's codes, the gate's policies."""
    upstream: UpstreamOptions | None = None
    """``[upstream]``, when configured."""
    messages: tuple[MessageSource, ...] = ()
    """``[[messages]]``: the inlang message files."""
    workspace_slot: WorkspaceSlot = field(
        default_factory=lambda: WorkspaceSlot(), init=False, compare=False, repr=False
    )
    """The command's read-once ``Workspace`` (``pipeline.workspace.workspace.attach``), if one is open."""

    @property
    def where(self) -> ConfigText:
        """The configuration file's name and text, for errors at a line."""
        return ConfigText(self.config_path or CONFIG_FILE, self.text)

    @property
    def source_dir(self) -> Path:
        return self.root / self.source

    @property
    def templates_dir(self) -> Path:
        return self.root / self.locales_dir / "templates"

    def locale_dir(self, locale: str) -> Path:
        return self.root / self.locales_dir / locale

    def output_dir(self, locale: str) -> Path:
        return self.root / self.output.replace("{locale}", locale)

    def target_locales(self) -> tuple[str, ...]:
        """Configured locales, or the locale folders found on disk (sorted)."""
        if self.locales:
            return self.locales
        base = self.root / self.locales_dir
        if not base.is_dir():
            return ()
        found = sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != "templates")
        for name in found:
            validate_locale(name, f"{self.locales_dir}/{name}")
        return tuple(found)


Config = Settings
"""The old name of :class:`Settings`."""


def section(cfg: Config, name: str) -> dict[str, Any]:
    """A table of the configuration, empty when absent (only for a section without a ``from_table``)."""
    return cfg.where.table(cfg.raw, name)


def config_error(cfg: Config, key: str, message: str, hint: str = "") -> ConfigError:
    """A ``ConfigError`` pointing at the line where ``key`` is set (last dotted part)."""
    return cfg.where.error(key, message, hint)


def _section_line(text: str, name: str) -> int | None:
    m = re.search(rf"^\s*\[+\s*{re.escape(name)}\s*\]+", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def validate_locale(code: str, where: str | None = None, line: int | None = None) -> str:
    """Check a locale code with babel (``nl``, ``pt_BR``, ``pt-BR``); return it unchanged."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ConfigError(
            f"unknown locale code {code!r}",
            where,
            line,
            "use a language code babel knows, such as nl, de, pt_BR",
        ) from None
    return code


def _inside(root: Path, value: str, key: str, where: str, text: str) -> str:
    """Refuse a configured path that leaves the project root."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string", where, _line_of(text, key))
    probe = value.replace("{locale}", "xx")
    if escapes(probe) or Path(probe).is_absolute():
        raise ConfigError(
            f"{key} = {value!r} points outside the project",
            where,
            _line_of(text, key),
            "use a path relative to the project root, without '..'",
        )
    resolved = (root / probe).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ConfigError(
            f"{key} = {value!r} leads outside the project (through a symbolic link)",
            where,
            _line_of(text, key),
            "use a folder inside the project",
        )
    return value


def _no_overlap(root: Path, source: str, output: str, where: str, text: str) -> None:
    """Refuse an output folder that is (or lies inside) the source folder, or holds it.

    Built pages written there would replace English pages, or be read back as English
    pages by the next run.
    """
    src = (root / source).resolve()
    out = (root / output.replace("{locale}", "xx")).resolve()
    if out.is_relative_to(src) or src.is_relative_to(out):
        raise ConfigError(
            f"output = {output!r} overlaps source = {source!r}",
            where,
            _line_of(text, "output", "source"),
            "put translated pages in their own folder, such as 'build/{locale}'",
        )


def _str_list(value: Any, key: str, where: str, text: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings", where, _line_of(text, key.split(".")[-1]))
    return tuple(value)


def load(root: Path) -> Config:
    """Read ``root/pipeline.toml`` (or ``[tool.pipeline]`` of ``pyproject.toml``); defaults if neither."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist", hint="pass an existing folder to --root")
    data: dict[str, Any] = {}
    text = ""
    where: str | None = None
    toml_file = root / CONFIG_FILE
    if toml_file.is_file():
        where = CONFIG_FILE
        text = _read_text(toml_file, where)
        data = _parse(text, where)
    else:
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            text = _read_text(pyproject, "pyproject.toml")
            tool = _parse(text, "pyproject.toml").get("tool", {})
            if isinstance(tool, dict) and isinstance(tool.get("pipeline"), dict):
                data = tool["pipeline"]
                where = "pyproject.toml"
    return from_dict(root, data, where or CONFIG_FILE, text)


def _read_text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", where, hint="save the file as UTF-8") from None


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where, toml_error_line(exc, text), "fix the syntax") from None


def from_dict(root: Path, data: dict[str, Any], where: str = CONFIG_FILE, text: str = "") -> Config:
    """Validate a parsed table into a ``Config``; sections are validated by the stages that read them."""
    for key in sorted(data):
        if key not in _TOP_KEYS:
            raise ConfigError(
                f"unknown setting {key!r}",
                where,
                _line_of(text, key),
                "check the spelling; see the README for the settings",
            )
    kwargs: dict[str, Any] = {}
    for key in ("source", "locales_dir", "output"):
        if key in data:
            kwargs[key] = _inside(root, data[key], key, where, text)
    _no_overlap(root, kwargs.get("source", "source"), kwargs.get("output", "build/{locale}"), where, text)
    upstream = data.get("upstream")
    if isinstance(upstream, dict) and "path" in upstream:
        value = upstream["path"]
        if not isinstance(value, str) or escapes(value) or "\0" in value:
            raise ConfigError(
                f"upstream.path = {value!r} points outside the upstream repository",
                where,
                _line_of(text, "path"),
                "give the folder of the English pages relative to the repository root, without '..'",
            )
    if "locales" in data:
        locales = _str_list(data["locales"], "locales", where, text)
        line = _line_of(text, "locales")
        kwargs["locales"] = tuple(validate_locale(code, where, line) for code in locales)
        if "templates" in kwargs["locales"]:
            raise ConfigError("'templates' cannot be a locale", where, line)
    fm = data.get("front_matter", {})
    if not isinstance(fm, dict):
        raise ConfigError("[front_matter] must be a table", where, _line_of(text, "front_matter"))
    if "translate" in fm:
        kwargs["front_matter"] = _str_list(fm["translate"], "front_matter.translate", where, text)
    fm_defaults = _fm_defaults(
        fm.get("defaults", {}), kwargs.get("front_matter", ("title", "description")), where, text
    )
    seg = data.get("segment", {})
    if not isinstance(seg, dict):
        raise ConfigError("[segment] must be a table", where, _line_of(text, "segment"))
    if "html_attributes" in seg:
        kwargs["html_attributes"] = _str_list(seg["html_attributes"], "segment.html_attributes", where, text)
    code_blocks = _code_blocks(seg.get("code_blocks", False), where, text)
    src = ConfigText(where, text)
    if "upstream" in data:
        kwargs["upstream"] = UpstreamOptions.from_table(src.table(data, "upstream"), src, root)
    kwargs["messages"] = parse_sources(data.get("messages"), src, root)
    kwargs["update"] = UpdateOptions.from_table(src.table(data, "update"), src)
    kwargs["build"] = BuildOptions.from_table(src.table(data, "build"), src)
    site = kwargs["site"] = SiteOptions.from_table(src.table(data, "site"), src)
    kwargs["check"] = CheckOptions.from_table(src.table(data, "check"), src)
    d = kwargs["dialect"] = Dialect.from_table(src.table(data, "site"), src)
    if site.localized_links:  # what build writes in the structure, a translator may write in a msgstr
        links = kwargs["check"].links
        known = tuple(Equivalent(english, localized) for english, localized in site.localized_links)
        kwargs["check"] = replace(
            kwargs["check"], links=replace(links, link_equivalents=links.link_equivalents + known)
        )
    settings = Settings(root=root, config_path=where, raw=dict(data), text=text, **kwargs)
    attributes = MDX_PROPS if d.mdx and "html_attributes" not in seg else settings.html_attributes
    segment = Options(
        settings.front_matter,
        attributes,
        smartypants=site.smartypants,
        dialect=d.name,
        heading_ids=d.heading_ids if d.mdx else "github",
        code_blocks=code_blocks,
        link_names=site.localize_links,
        front_matter_defaults=fm_defaults,
    )
    return replace(settings, segment=segment)


def _fm_defaults(value: Any, translated: tuple[str, ...], where: str, text: str) -> tuple[tuple[str, str], ...]:
    """``[front_matter] defaults``: key = the translated key the site shows when a page lacks it."""
    line = _line_of(text, "defaults")
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(
            "[front_matter] defaults must be a table of key = key",
            where,
            line,
            'e.g. defaults = { "sidebar.label" = "title" }',
        )
    for key, source in value.items():
        if "[]" in key or not all(key.split(".")):
            raise ConfigError(f"[front_matter] defaults: {key!r} must be a key or a dotted path", where, line)
        if source not in translated:
            raise ConfigError(
                f"[front_matter] defaults: {key!r} falls back to {source!r}, which is not translated",
                where,
                line,
                f"add {source!r} to [front_matter] translate",
            )
    return tuple(value.items())


def _code_blocks(value: Any, where: str, text: str) -> tuple[str, ...]:
    """``[segment] code_blocks``: false (code is structure), true (every fenced block is a segment)
    or the languages whose blocks are (``["js", "mdx", ""]``; ``""`` for blocks without one)."""
    if value is False:
        return ()
    if value is True:
        return ("*",)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip().lower() for v in value)
    raise ConfigError(
        "[segment] code_blocks must be true, false or a list of languages",
        where,
        _line_of(text, "code_blocks"),
        'e.g. code_blocks = ["js", "ts", "mdx"] (the first word after the opening ```)',
    )
