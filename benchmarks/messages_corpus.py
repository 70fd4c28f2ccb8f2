"""Figures for UI strings on the real corpus: import the real Dutch message file, build, compare.

    .venv/bin/python benchmarks/messages_corpus.py [CORPUS_DIR]

CORPUS_DIR defaults to ../shared/corpus/pauseai. Prints how the real ``nl.json`` pairs with
``en.json``, whether the built ``nl.json`` equals the real one key by key, and whether an
identity translation rebuilds ``en.json`` (minus its instruction keys) byte for byte.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pipeline.cli.main import main
from pipeline.formats import po

REPO = Path(__file__).resolve().parent.parent
CONFIG = 'locales = ["nl"]\n\n[[messages]]\nsource = "messages/en.json"\noutput = "messages/{locale}.json"\n'
SUFFIX = "__instructions"


def cli(root: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), *args], out=out, err=err)
    if code != 0:
        raise SystemExit(f"pipeline {' '.join(args)} failed ({code}):\n{err.getvalue()}")
    return out.getvalue() + err.getvalue()


def site(base: Path, english: Path) -> Path:
    root = base / "site"
    (root / "messages").mkdir(parents=True)
    (root / "source").mkdir()
    (root / "source" / "index.md").write_text("# Home\n", encoding="utf-8")
    shutil.copy(english, root / "messages" / "en.json")
    (root / "pipeline.toml").write_text(CONFIG, encoding="utf-8")
    return root


def main_figures(corpus: Path) -> None:
    messages = corpus / "messages"
    en = json.loads((messages / "en.json").read_text(encoding="utf-8"))
    nl = json.loads((messages / "nl.json").read_text(encoding="utf-8"))
    notes_en = [k for k in en if k.endswith(SUFFIX)]
    notes_nl = [k for k in nl if k.endswith(SUFFIX)]
    print(f"en.json: {len(en)} keys = {len(en) - len(notes_en) - 1} messages + {len(notes_en)} instructions + $schema")
    print(f"nl.json: {len(nl)} keys = {len(nl) - len(notes_nl) - 1} messages + {len(notes_nl)} instructions + $schema")

    with tempfile.TemporaryDirectory() as tmp:
        root = site(Path(tmp), messages / "en.json")
        started = time.perf_counter()
        report = cli(root, "import", "--locale", "nl", "--messages", str(messages / "nl.json"))
        cli(root, "sync")
        elapsed = time.perf_counter() - started
        print(report.strip())
        built = json.loads((root / "messages" / "nl.json").read_text(encoding="utf-8"))
        both = [k for k in built if k in nl]
        differ = [k for k in both if built[k] != nl[k]]
        print(f"built nl.json: {len(built)} keys; {len(both)} keys in both files ({len(both) - 1} messages + $schema)")
        print(f"  differ from the real nl.json: {len(differ)} {differ}")
        same = [k for k in both if k != "$schema" and nl[k] == en[k]]
        print(f"  of which the Dutch equals the English (imported as untranslated, built from English): {len(same)}")
        print(f"    {same}")
        only_real = [k for k in nl if k not in built]
        print(
            f"  only in the real file: {len(only_real)}: instructions (left out by design) "
            f"{[k for k in only_real if k.endswith(SUFFIX)]}, keys the English no longer has "
            f"{[k for k in only_real if not k.endswith(SUFFIX)]}"
        )
        only_built = [k for k in built if k not in nl]
        print(f"  only in the built file (no Dutch yet, English fallback): {len(only_built)}")
        catalog = po.read_po(root / "locales" / "nl" / "messages.po")
        noted = [m for m in catalog.messages if m.auto_comments]
        dutch_notes = [c for m in catalog.messages for c in m.auto_comments if "Duits" in c or "Alle vertalingen" in c]
        print(
            f"PO: {len(catalog.messages)} entries, {len(noted)} with English instruction comments, "
            f"{len(dutch_notes)} Dutch notes, {sum(1 for m in catalog.messages if (m.msgctxt or '').endswith(SUFFIX))} "
            "instruction msgids"
        )
        print(f"check: {cli(root, 'check').strip() or 'no findings'}")
        print(f"import + sync time: {elapsed * 1000:.0f} ms")

        path = root / "locales" / "nl" / "messages.po"
        po.write_po(
            path,
            replace(
                catalog,
                messages=tuple(replace(m, msgstr=m.msgid, flags=()) for m in catalog.messages if not m.obsolete),
            ),
        )
        cli(root, "build")
        text = (messages / "en.json").read_text(encoding="utf-8")
        expected = "".join(line for line in text.splitlines(keepends=True) if f'{SUFFIX}":' not in line)
        same_bytes = (root / "messages" / "nl.json").read_bytes() == expected.encode("utf-8")
        print(
            f"identity round trip: built file byte-identical to en.json minus {len(notes_en)} instruction lines: "
            f"{same_bytes}"
        )


if __name__ == "__main__":
    main_figures(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "corpus" / "pauseai")
