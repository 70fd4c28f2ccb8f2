"""``pipeline translate``: protection, guard rails, the three engine kinds, memory, plan, spend gate, review."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from chat_server import ChatServer
from conftest import Run, msgfmt_check
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats import po
from pipeline.model import Message
from pipeline.translate import guard, mark
from pipeline.translate.engines.apertium import from_apertium, to_apertium
from pipeline.translate.protect import Glossary, protect, restore

PAGE = textwrap.dedent(
    """\
    ---
    title: Quiet streets for everyone
    description: Why we ask the city for calmer roads.
    ---

    # Quiet streets for everyone

    Our group asks the city for **safer roads** and [more trees](/trees#why) near every school.

    ## How you can help {#help}

    Run `make sync` before you send a change, and read https://example.org/guide first.

    - Write to <a href="/council">the council</a> today.
    - Join the {count} people who signed &amp; shared.

    ## The plan for next year

    We will plant trees in the main square.
    """
)
SECOND = textwrap.dedent(
    """\
    # News

    We will plant trees in the main square.

    The council meets every month in the town hall.
    """
)

APERTIUM = (
    shutil.which("apertium") is not None
    and "eng-spa" in subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False).stdout.split()
    if shutil.which("apertium")
    else False
)
needs_apertium = pytest.mark.skipif(
    not APERTIUM, reason="apertium with the eng-spa pair is not installed (.ci/run installs apertium apertium-eng-spa)"
)


def make_site(root: Path, config: str = "", pages: dict[str, str] | None = None) -> Path:
    (root / "source").mkdir(parents=True)
    for name, text in (pages or {"index": PAGE, "news": SECOND}).items():
        (root / "source" / f"{name}.md").write_text(text, encoding="utf-8")
    (root / "pipeline.toml").write_text('locales = ["es"]\n' + config, encoding="utf-8")
    return root


def entries(path: Path) -> list[Message]:
    return [m for m in po.read_po(path, str(path)).messages if not m.obsolete]


def data(result: Run) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(result.out)
    return parsed


@pytest.fixture
def server() -> Iterator[ChatServer]:
    s = ChatServer().start()
    yield s
    s.stop()


def openai_config(url: str, **extra: object) -> str:
    lines = ["[translate]", 'engine = "llm"', "", "[translate.engines.llm]", 'kind = "openai"', f'base_url = "{url}"']
    settings: dict[str, object] = {"model": "test-70b", "backoff": 0.01, "timeout": 5, **extra}
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- protection


@pytest.mark.parametrize(
    ("msgid", "engine_sees"),
    [
        ("Read **the [plan](/plan#now)** at <https://x.org>.", "Read <g1>the <g2>plan</g2></g1> at <x3/>."),
        ("Run `make sync`, see https://example.org/a.", "Run <x1/>, see <x2/>."),
        (
            'Join <a href="/join">our *group*</a> {count} &amp; more',
            "Join <g1>our <g2>group</g2></g1> <x3/> <x4/> more",
        ),
        ("![a tree](/tree.png) and a note[^1]", "<g1>a tree</g1> and a note<x2/>"),
        ("snake_case stays text, _this_ is emphasis", "snake_case stays text, <g1>this</g1> is emphasis"),
        ("a < b & c", "a &lt; b &amp; c"),
        ("<Tabs tabs={[ { title: 'x', content: `", "<x1/> tabs=<x2/>[ <x3/> title: 'x', content: `"),
    ],
)
def test_protect_hides_markup_and_restores_it_byte_for_byte(msgid: str, engine_sees: str) -> None:
    p = protect(msgid)
    assert p.text == engine_sees
    assert restore(p.text, p).text == msgid


def test_glossary_terms_are_kept_or_translated_one_fixed_way() -> None:
    p = protect(
        "PauseAI asks for AI safety now", Glossary(keep=("PauseAI",), fixed={"AI safety": "seguridad de la IA"})
    )
    assert p.text == "<x1/> asks for <x2/> now"
    assert restore("<x1/> pide <x2/> ahora", p).text == "PauseAI pide seguridad de la IA ahora"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Lea <g1>el <g2>plan</g2></g1> en /es/plan.", "lost <x3/>"),
        ("Lea <g1>el <g2>plan</g2></g1> en <x3/> <x3/>.", "repeated"),
        ("Lea <g1>el <g2>plan</g1></g2> en <x3/>.", "crossed"),
        ("Lea <g1>el <g2>plan</g2></g1> en <x3/> <script>x</script>.", "adds markup"),
        ("Traducción:\nLea <g1>el <g2>plan</g2></g1> en <x3/>.", "more lines"),
    ],
)
def test_restore_refuses_a_reply_whose_placeholders_do_not_add_up(reply: str, reason: str) -> None:
    p = protect("Read **the [plan](/plan#now)** at <https://x.org>.")
    got = restore(reply, p)
    assert got.text is None and reason in got.reason


def test_a_pair_moved_inside_another_is_refused() -> None:
    """Apertium reorders "[local](/a) and [national groups](/b)" into a link inside a link."""
    p = protect("of [local](/a) and [national groups](/b).")
    got = restore("de <g2>grupos <g1>locales</g1> y nacionales</g2>.", p)
    assert got.text is None and "nested differently" in got.reason
    assert restore("de <g1>locales</g1> y <g2>grupos nacionales</g2>.", p).text == (
        "de [locales](/a) y [grupos nacionales](/b)."
    )


def test_entities_of_plain_characters_reach_the_engine_as_characters() -> None:
    p = protect("We&#39;re here&nbsp;now &amp; &lt;then&gt;")
    assert p.text == "We're here\xa0now <x1/> <x2/>then<x3/>"
    assert restore(p.text, p).text == "We're here\xa0now &amp; &lt;then&gt;"


def test_a_fragment_of_a_svelte_expression_is_not_prose() -> None:
    assert protect("<Tabs tabs={[ { title: 'Start Here', content: `").fragment
    assert not protect("Join the {count} people").fragment


def test_restore_puts_spaces_as_the_english_had_them() -> None:
    p = protect("Run `make`. Read **this** now.")
    assert restore("Ejecute <x1 />. Lea <g2>esto</ g2> ahora.", p).text == "Ejecute `make`. Lea **esto** ahora."
    assert restore("Ejecute <x1/> . Lea <g2> esto </g2> ahora.", p).text == "Ejecute `make`. Lea **esto** ahora."


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Here is the translation: Nuestro grupo pide calles seguras.", "commentary"),
        ("Nuestro grupo pide calles seguras. (Note: I kept the tone.)", "commentary"),
        ('"Nuestro grupo pide calles seguras."', "quotes"),
        ("Nuestro grupo pide calles seguras, véase https://evil.example/es", "adds a URL"),
        ("Nuestro " + "grupo " * 40, "absurd length"),
        ("Nu", "absurd length"),
        ("Our group asks for safe streets.", "unchanged"),
        ("Traducción: Nuestro grupo pide calles seguras.", "commentary"),
    ],
)
def test_guard_rejects_commentary_urls_absurd_lengths_and_untranslated(reply: str, reason: str) -> None:
    msgid = "Our group asks for safe streets."
    p = protect(msgid)
    why = guard.reason(msgid, p, reply, reply)
    assert why is not None and reason in why
    assert guard.reason(msgid, p, "Nuestro grupo pide calles seguras.", "Nuestro grupo pide calles seguras.") is None


@pytest.mark.parametrize(
    ("msgid", "result"),
    [
        ("Press Release", "Nota de prensa"),
        ("**Cultural Translation:** Adapt messages.", "**Traducción Cultural:** Adapta mensajes."),
        ("Note: bring water.", "Nota: trae agua."),
        ("Bancontact (max 10,000 EUR)", "Bancontact (max 10,000 EUR)"),
    ],
)
def test_guard_accepts_what_only_looks_like_commentary(msgid: str, result: str) -> None:
    assert guard.reason(msgid, protect(msgid), result, result) is None


def test_apertium_dialect_merges_a_pair_copied_onto_several_words() -> None:
    assert to_apertium("Join <g1>our <g2>group</g2></g1> <x3/>") == (
        'Join <span id="g1">our <span id="g2">group</span></span> ⟦3⟧'
    )
    copied = 'Unir <span id="g1">nuestro</span> <span id="g1"><span id="g2">grupo</span></span> ⟦3⟧'
    assert from_apertium(copied) == "Unir <g1>nuestro <g2>grupo</g2></g1> <x3/>"


# --------------------------------------------------------------------------- marks and review


def test_machine_mark_tells_machine_made_from_reviewed() -> None:
    msgstr = "Calles tranquilas"
    m = Message(
        "Quiet streets",
        msgstr,
        flags=("fuzzy",),
        comments=(mark.comment("a", "b", "2026-01-02", "Quiet streets", msgstr),),
    )
    assert mark.machine_made(m) and mark.unreviewed(m)
    edited = Message(m.msgid, "Calles calmadas", flags=m.flags, comments=m.comments)
    assert not mark.machine_made(edited) and not mark.unreviewed(edited)
    cleared = Message(m.msgid, msgstr, comments=m.comments)
    assert cleared.translated and not mark.machine_made(cleared)
    english_changed = Message("Quiet roads", msgstr, flags=m.flags, comments=m.comments, previous_msgid="Quiet streets")
    assert mark.machine_made(english_changed) and not mark.unreviewed(english_changed)


# --------------------------------------------------------------------------- the command kind (a tiny script)

UPPER_SCRIPT = textwrap.dedent(
    """\
    import json, re, sys
    for line in sys.stdin:
        req = json.loads(line)
        parts = re.split(r"(<[^<>]*>)", req["text"])
        text = "".join(p if p.startswith("<") else p.upper() for p in parts)
        print(json.dumps({"id": req["id"], "text": text}))
    """
)


def command_config(script: Path, extra: str = "") -> str:
    return (
        f'[translate]\nengine = "up"\n{extra}\n[translate.engines.up]\nkind = "command"\n'
        f"command = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\nbatch_size = 3\n"
    )


def test_command_engine_fills_entries_fuzzy_with_a_mark_and_msgfmt_accepts_them(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    assert run(root, "sync", "-q").code == 0
    result = run(root, "translate", "--format", "json")
    assert result.code == 0, result.err
    got = data(result)
    assert got["rejected"] == 0 and got["filled"] == 12 and got["sent"] == 11  # one segment is on both pages
    assert got["cached"] == 1
    po_file = root / "locales/es/index.po"
    msgfmt_check(po_file)
    by_id = {m.msgid: m for m in entries(po_file)}
    m = by_id["Our group asks the city for **safer roads** and [more trees](/trees#why) near every school."]
    assert m.msgstr == "OUR GROUP ASKS THE CITY FOR **SAFER ROADS** AND [MORE TREES](/trees#why) NEAR EVERY SCHOOL."
    assert m.fuzzy and m.comments == (mark.comment("up", "upper.py", "2026-01-01", m.msgid, m.msgstr),)
    code = by_id["Run `make sync` before you send a change, and read https://example.org/guide first."]
    assert code.msgstr == "RUN `make sync` BEFORE YOU SEND A CHANGE, AND READ https://example.org/guide FIRST."
    # not published by default: the built page is English; with publish = true it is Spanish, ids kept
    assert run(root, "sync", "-q").code == 0
    assert "safer roads" in (root / "build/es/index.md").read_text()
    (root / "pipeline.toml").write_text(
        'locales = ["es"]\n' + command_config(script, "publish = true"), encoding="utf-8"
    )
    assert run(root, "sync", "-q").code == 0
    built = (root / "build/es/index.md").read_text()
    assert "**SAFER ROADS**" in built and "## HOW YOU CAN HELP {#help}" in built
    assert "## THE PLAN FOR NEXT YEAR\n" in built  # slugs to the English id: nothing appended


def test_a_second_run_sends_nothing_and_changes_no_byte(tmp_path: Path, run: Callable[..., Run]) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    assert run(root, "translate", "-q").code == 0
    before = (root / "locales/es/index.po").read_bytes()
    again = data(run(root, "translate", "--format", "json", "--include-fuzzy"))
    assert again["sent"] == 0 and again["written"] == []
    assert (root / "locales/es/index.po").read_bytes() == before
    # the memory is safe to delete: the same bytes come back (the mark's date is the memory's, or today's)
    shutil.rmtree(root / ".pipeline" / "translate")
    refill = data(run(root, "translate", "--format", "json", "--include-fuzzy"))
    assert refill["sent"] == 11
    assert (root / "locales/es/index.po").read_bytes() == before


def test_a_save_while_the_engine_works_is_kept_and_the_run_stops(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = make_site(tmp_path / "site", pages={"index": PAGE})
    po_file = root / "locales/es/index.po"
    script = tmp_path / "saver.py"
    saver = f"from pathlib import Path\npo = Path({str(po_file)!r})\npo.write_bytes(po.read_bytes() + b'\\n')\n"
    script.write_text(saver + UPPER_SCRIPT)  # the translator saves the PO file while the engine translates
    (root / "pipeline.toml").write_text('locales = ["es"]\n' + command_config(script), encoding="utf-8")
    run(root, "sync", "-q")
    before = po_file.read_bytes()
    result = run(root, "translate")
    assert result.code == 1
    assert "locales/es/index.po: error: changed on disk while translate ran" in result.err, result.err
    after = po_file.read_bytes()  # kept as saved (once per engine call), not replaced by the run's version
    assert after.startswith(before + b"\n") and after.strip() == before.strip()


def test_a_human_edit_or_a_cleared_flag_is_never_overwritten(tmp_path: Path, run: Callable[..., Run]) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    run(root, "translate", "-q")
    path = root / "locales/es/news.po"
    text = path.read_text()
    text = text.replace('msgstr "NEWS"', 'msgstr "Noticias"')  # edited, still fuzzy
    head, sep, rest = text.partition('msgid "The council meets every month in the town hall."')
    head = head[: head.rstrip().rfind("#, fuzzy")] + head[head.rstrip().rfind("#, fuzzy") + len("#, fuzzy\n") :]
    path.write_text(head + sep + rest)  # the flag cleared: reviewed as it is
    rows = json.loads(run(root, "status", "--format", "json").out)["pages"]
    status = next(r for r in rows if r["page"] == "news")
    assert status["machine"] == 1 and status["fuzzy"] == 2 and status["translated"] == 1
    assert "2 fuzzy (1 machine)" in run(root, "status").out
    assert run(root, "report", "--html", str(tmp_path / "report.html")).code == 0
    assert "<b class='machine'>10</b> machine, unreviewed" in (tmp_path / "report.html").read_text()
    result = data(run(root, "translate", "--format", "json", "--include-fuzzy"))
    assert result["sent"] == 0
    by_id = {m.msgid: m for m in entries(path)}
    assert by_id["News"].msgstr == "Noticias" and by_id["News"].fuzzy
    assert not by_id["The council meets every month in the town hall."].fuzzy


def test_check_sees_published_machine_entries_as_served(tmp_path: Path, run: Callable[..., Run]) -> None:
    """A machine entry that links elsewhere is a check error only when build would publish it."""
    root = make_site(tmp_path / "site", pages={"news": "# News\n\nRead [the plan](/news).\n"})
    run(root, "sync", "-q")
    path = root / "locales/es/news.po"
    msgid, bad = "Read [the plan](/news).", "Lea [el plan](/elsewhere)."
    note = mark.comment("llm", "m", "2026-01-01", msgid, bad)
    catalog = po.read_po(path)
    machine = tuple(
        replace(m, msgstr=bad, flags=("fuzzy",), comments=(note,)) if m.msgid == msgid else m for m in catalog.messages
    )
    po.write_po(path, replace(catalog, messages=machine))
    assert mark.unreviewed(next(m for m in entries(path) if m.msgid == msgid))
    assert "link-target" not in run(root, "check").out
    (root / "pipeline.toml").write_text('locales = ["es"]\n[translate]\npublish = true\n')
    found = run(root, "check").out
    assert "locales/es/news.po" in found and "link-target" in found


def test_english_change_makes_the_machine_text_a_suggestion_and_only_the_change_is_sent(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    run(root, "translate", "-q")
    page = root / "source/news.md"
    page.write_text(page.read_text().replace("every month", "every week"))
    run(root, "sync", "-q")
    m = next(m for m in entries(root / "locales/es/news.po") if m.msgid.startswith("The council"))
    assert m.fuzzy and mark.machine_made(m) and not mark.unreviewed(m)  # never published
    assert data(run(root, "translate", "--format", "json"))["sent"] == 0  # fuzzy: only with --include-fuzzy
    redo = data(run(root, "translate", "--format", "json", "--include-fuzzy"))
    assert redo["sent"] == 1 and redo["filled"] == 1
    m = next(m for m in entries(root / "locales/es/news.po") if m.msgid.startswith("The council"))
    assert m.msgstr == "THE COUNCIL MEETS EVERY WEEK IN THE TOWN HALL." and mark.unreviewed(m)
    assert m.previous_msgid is None


def test_command_engine_failure_is_an_engine_error_with_exit_2(tmp_path: Path, run: Callable[..., Run]) -> None:
    script = tmp_path / "fail.py"
    script.write_text("import sys\nsys.stderr.write('model not loaded')\nsys.exit(3)\n")
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    result = run(root, "translate")
    assert result.code == 2
    assert "engine 'up'" in result.err and "exited with 3: model not loaded" in result.err
    assert "locale es; 0 PO files written before it stopped" in result.err


def test_kill_mid_run_loses_no_finished_page_and_the_rerun_sends_only_the_rest(tmp_path: Path) -> None:
    """SIGKILL the real CLI from inside the engine's third batch."""
    counter = tmp_path / "calls"
    script = tmp_path / "killer.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import json, os, signal, sys
            from pathlib import Path
            calls = Path({str(counter)!r})
            n = int(calls.read_text()) + 1 if calls.exists() else 1
            calls.write_text(str(n))
            lines = [json.loads(line) for line in sys.stdin]
            if n == 3 and os.environ.get("KILL_AT_3"):
                os.kill(os.getppid(), signal.SIGKILL)
                sys.exit(1)
            for req in lines:
                print(json.dumps({{"id": req["id"], "text": req["text"].upper()}}))
            """
        )
    )
    pages = {f"p{i}": f"# Page {i}\n\nThe text of page {i} is here.\n\nAnother line for page {i}.\n" for i in range(6)}
    root = make_site(tmp_path / "site", command_config(script).replace("batch_size = 3", "batch_size = 6"), pages)
    cli = [sys.executable, "-m", "pipeline", "--root", str(root)]
    subprocess.run([*cli, "sync", "-q"], check=True)
    killed = subprocess.run([*cli, "translate"], env={**os.environ, "KILL_AT_3": "1"}, capture_output=True)
    assert killed.returncode == -9
    done = [p for p in sorted((root / "locales/es").glob("*.po")) if any(m.msgstr for m in entries(p))]
    assert [p.stem for p in done] == ["p0", "p1", "p2", "p3"]  # two chunks of two pages (6 segments each)
    for p in done:
        msgfmt_check(p)
    again = subprocess.run([*cli, "translate", "--format", "json"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["sent"] == 6  # the last two pages only
    assert all(all(m.msgstr for m in entries(p)) for p in (root / "locales/es").glob("*.po"))


def test_sync_calls_no_engine_unless_on_sync(tmp_path: Path, run: Callable[..., Run]) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    run(root, "sync", "-q")
    assert all(not m.msgstr for m in entries(root / "locales/es/news.po"))
    (root / "pipeline.toml").write_text(
        'locales = ["es"]\n' + command_config(script, "on_sync = true\npublish = true"), encoding="utf-8"
    )
    assert run(root, "sync", "-q").code == 0
    assert all(m.msgstr for m in entries(root / "locales/es/news.po"))
    assert "THE COUNCIL MEETS" in (root / "build/es/news.md").read_text()
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline" not in p.parts}
    assert run(root, "sync", "-q").code == 0
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline" not in p.parts} == before


# --------------------------------------------------------------------------- the openai kind (a real HTTP server)


def test_openai_batches_segments_and_sends_the_key_only_in_the_header(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_ROUTER_KEY", "sk-test-123")
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=4, api_key_env="TEST_ROUTER_KEY"))
    run(root, "sync", "-q")
    result = run(root, "translate", "--format", "json", "--pages", "index")
    assert result.code == 0, result.err
    got = data(result)
    assert got["sent"] == 9 and got["filled"] == 9
    assert len(server.requests) == 3  # 9 segments, 4 a request
    assert sorted(len(json.loads(r["messages"][-1]["content"])) for r in server.requests) == [1, 4, 4]
    assert server.requests[0]["model"] == "test-70b"
    assert all(h["Authorization"] == "Bearer sk-test-123" for h in server.headers)
    assert "sk-test-123" not in "".join(p.read_text() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("concurrency", [1, 3])
def test_openai_sends_at_most_concurrency_requests_at_a_time(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer, concurrency: int
) -> None:
    server.script = ["slow"] * 3
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=1, concurrency=concurrency))
    run(root, "sync", "-q")
    assert data(run(root, "translate", "--format", "json", "--pages", "news"))["filled"] == 3
    assert len(server.requests) == 3 and server.most_in_flight == concurrency


def test_openai_retries_429_and_500_then_succeeds(tmp_path: Path, run: Callable[..., Run], server: ChatServer) -> None:
    server.script = ["429", "500", "garbage"]
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=50, concurrency=1))
    run(root, "sync", "-q")
    got = data(run(root, "translate", "--format", "json", "--pages", "news"))
    assert got["filled"] == 3 and got["rejected"] == 0
    assert len(server.requests) == 4


def test_openai_timeout_is_retried(tmp_path: Path, run: Callable[..., Run], server: ChatServer) -> None:
    server.script = ["sleep"]
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=50, timeout=0.5))
    run(root, "sync", "-q")
    got = data(run(root, "translate", "--format", "json", "--pages", "news"))
    assert got["filled"] == 3 and len(server.requests) == 2


def test_openai_persistent_500s_stop_with_exit_2_naming_engine_and_locale(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer
) -> None:
    server.script = ["500"] * 3
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=50, retries=2))
    run(root, "sync", "-q")
    result = run(root, "translate", "--pages", "news")
    assert result.code == 2
    assert "engine 'llm'" in result.err and "locale es" in result.err and "HTTP 500" in result.err
    assert "3 tries" in result.err and len(server.requests) == 3
    assert all(not m.msgstr for m in entries(root / "locales/es/news.po"))


def test_openai_client_error_is_not_retried(tmp_path: Path, run: Callable[..., Run], server: ChatServer) -> None:
    server.script = ["400"]
    root = make_site(tmp_path / "site", openai_config(server.url))
    run(root, "sync", "-q")
    result = run(root, "translate", "--pages", "news")
    assert result.code == 2 and "HTTP 400: no such model" in result.err and len(server.requests) == 1


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("commentary", "commentary"),
        ("length", "truncated"),
        ("url", "placeholders did not come back exactly"),
        ("note", "commentary"),
    ],
)
def test_openai_bad_replies_are_rejected_and_left_untranslated(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer, action: str, reason: str
) -> None:
    server.script = [action]
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=50))
    run(root, "sync", "-q")
    result = run(root, "translate", "--format", "json", "--pages", "index")
    assert result.code == 1
    got = data(result)
    rejections = got["rejections"]
    assert isinstance(rejections, list) and rejections
    assert all(reason in r["reason"] for r in rejections)
    assert all(r["path"] == "locales/es/index.po" and r["line"] > 0 for r in rejections)
    rejected = {r["msgid"] for r in rejections}
    for m in entries(root / "locales/es/index.po"):
        if m.msgid in rejected:
            assert m.msgstr == ""
    if action in ("commentary", "length"):  # a reply a retry may fix is not remembered: the re-run asks again
        again = data(run(root, "translate", "--format", "json", "--pages", "index"))
        assert again["sent"] == got["sent"] and again["rejected"] == 0


def test_openai_fenced_json_is_accepted(tmp_path: Path, run: Callable[..., Run], server: ChatServer) -> None:
    server.script = ["fenced"]
    root = make_site(tmp_path / "site", openai_config(server.url, batch_size=50))
    run(root, "sync", "-q")
    assert data(run(root, "translate", "--format", "json", "--pages", "news"))["filled"] == 3


def test_dry_run_plans_and_the_spend_gate_stops_before_sending(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer
) -> None:
    root = make_site(tmp_path / "site", openai_config(server.url, price=50000.0))
    run(root, "sync", "-q")
    plan = run(root, "translate", "--dry-run")
    assert plan.code == 0
    assert "es" in plan.out and "would send 11 segments" in plan.out and server.requests == []
    gated = run(root, "translate")
    assert gated.code == 2 and server.requests == []
    assert "exceeds [translate] max_spend = 1" in gated.err and "--spend " in gated.err
    need = gated.err.split("--spend ")[1].split()[0]
    assert run(root, "translate", "--spend", need).code == 0
    assert len(server.requests) > 0


def test_missing_key_is_a_clear_configuration_error(
    tmp_path: Path, run: Callable[..., Run], server: ChatServer
) -> None:
    root = make_site(tmp_path / "site", openai_config(server.url, api_key_env="NO_SUCH_KEY_VAR_21"))
    run(root, "sync", "-q")
    result = run(root, "translate")
    assert result.code == 2 and "NO_SUCH_KEY_VAR_21 is not set" in result.err and server.requests == []


# --------------------------------------------------------------------------- apertium (the real engine)


@needs_apertium
def test_apertium_translates_english_to_spanish_keeping_every_id_and_link(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = make_site(tmp_path / "site", "[translate]\npublish = true\n")
    run(root, "sync", "-q")
    result = run(root, "translate", "--format", "json")
    assert result.code in (0, 1), result.err
    got = data(result)
    assert got["filled"] >= 11 and got["sent"] == 11
    msgfmt_check(root / "locales/es/index.po")
    by_id = {m.msgid: m for m in entries(root / "locales/es/index.po")}
    assert by_id["We will plant trees in the main square."].msgstr.startswith("Plantaremos")
    assert all(m.comments[0].startswith("pipeline: machine apertium (eng-spa) ") for m in by_id.values() if m.msgstr)
    assert run(root, "sync", "-q").code == 0
    built = (root / "build/es/index.md").read_text()
    for structure in (
        "](/trees#why)",
        "`make sync`",
        "https://example.org/guide",
        '<a href="/council">',
        "{count}",
        "{#help}",
        "{#the-plan-for-next-year}",
    ):
        assert structure in built
    assert "Plantaremos" in built
    check = run(root, "check")
    assert "locales/es" not in check.out, check.out  # the English's own broken links are not the machine's


@needs_apertium
def test_apertium_missing_pair_is_an_engine_error(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = make_site(tmp_path / "site")
    (root / "pipeline.toml").write_text('locales = ["fi"]\n')
    run(root, "sync", "-q")
    result = run(root, "translate")
    assert result.code == 2 and "no pair 'eng-fin'" in result.err and "apertium-eng-fin" in result.err


def test_translate_reports_its_pages_to_the_progress_bar(tmp_path: Path, run: Callable[..., Run]) -> None:
    from pipeline.translate import run as translate
    from pipeline.workspace.settings import load

    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script))
    run(root, "sync", "-q")
    seen: list[tuple[str, int]] = []
    done: list[str] = []

    class Recorder:
        def start(self, stage: str, total: int) -> None:
            seen.append((stage, total))

        def advance(self) -> None:
            done.append(seen[-1][0])

    translate.run(load(root), translate.Request(), Recorder())
    assert seen == [("translate es", 2)] and done == ["translate es"] * 2


def test_dry_run_json_has_the_plan_per_locale(tmp_path: Path, run: Callable[..., Run], server: ChatServer) -> None:
    root = make_site(tmp_path / "site", openai_config(server.url, price=2.0, batch_size=5))
    run(root, "sync", "-q")
    got = data(run(root, "translate", "--dry-run", "--format", "json"))
    assert got["dry_run"] is True and got["sent"] == 0 and server.requests == []
    plan = got["plan"]
    assert isinstance(plan, list) and len(plan) == 1
    step = plan[0]
    assert (step["locale"], step["pages"], step["segments"], step["send"], step["cached"]) == ("es", 2, 12, 11, 1)
    assert step["tokens"] == 2 * -(-step["characters"] // 4) + 150 * 3  # text in and out, a prompt per request
    assert step["cost"] == round(step["tokens"] * 2.0 / 1_000_000, 4)


def test_glossary_file_terms_reach_no_engine_and_a_new_glossary_is_a_new_memory_key(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    root = make_site(tmp_path / "site", command_config(script, 'glossary = "glossary.toml"'))
    (root / "glossary.toml").write_text('keep = ["council"]\n\n[es]\ntrees = "árboles"\n')
    run(root, "sync", "-q")
    assert run(root, "translate", "-q", "--pages", "news").code == 0
    by_id = {m.msgid: m.msgstr for m in entries(root / "locales/es/news.po")}
    assert by_id["The council meets every month in the town hall."] == "THE council MEETS EVERY MONTH IN THE TOWN HALL."
    assert by_id["We will plant trees in the main square."] == "WE WILL PLANT árboles IN THE MAIN SQUARE."
    (root / "glossary.toml").write_text("keep = []\n")
    again = data(run(root, "translate", "--format", "json", "--pages", "news", "--include-fuzzy"))
    assert again["sent"] == 3


def test_bad_translate_settings_point_at_their_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = make_site(tmp_path / "site", '[translate]\nengine = "nope"\n')
    run(root, "sync", "-q")
    result = run(root, "translate")
    assert result.code == 2 and "pipeline.toml:3: error: translate.engine = 'nope'" in result.err
    (root / "pipeline.toml").write_text('locales = ["es"]\n[translate.engines.x]\nkind = "deepl"\n')
    result = run(root, "translate")
    assert result.code == 2 and "pipeline.toml:3: error: [translate.engines.x] kind = 'deepl'" in result.err


# --------------------------------------------------------------------------- properties


def _visible(text: str) -> str:
    """Text without whitespace: restoring may tidy spaces (never markup or words)."""
    return "".join(text.split())


_PIECES = st.sampled_from(
    [
        *"ab c.,*_`[]()<>{}/#!\\\n~-:'\"",
        *("http://x.y/z", "<b>", "</b>", '<a href="/x">', "</a>", "word", "&lt;", "{x}", "](/p)", "![", "**"),
        *("<br>", "<!-- c -->", "[^1]", "`code`", "&amp;"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_an_identity_reply_always_restores_the_english(msgid: str) -> None:
    """Whatever the msgid, the engine's input sent back unchanged restores it: never refused, no byte lost."""
    p = protect(msgid)
    got = restore(p.text, p)
    assert got.text is not None, got.reason
    assert _visible(got.text) == _visible(msgid.strip())


@pytest.mark.corpus
def test_every_real_msgid_survives_protection() -> None:
    from conftest import corpus_dir

    from pipeline.model import Page
    from pipeline.segment.walker import DEFAULT_OPTIONS, segment_page

    checked = 0
    for file in sorted(corpus_dir("en").glob("*.md")):
        doc = segment_page(Page(file.stem, str(file), file.read_text(encoding="utf-8")), DEFAULT_OPTIONS)
        for seg in doc.segments:
            if "&" in seg.msgid:  # an entity of a plain character comes back as the character
                continue
            p = protect(seg.msgid)
            got = restore(p.text, p)
            assert got.text is not None and _visible(got.text) == _visible(seg.msgid), (file.name, seg.msgid)
            checked += 1
    assert checked > 4000


def test_ui_strings_of_message_files_are_translated_and_published_too(tmp_path: Path, run: Callable[..., Run]) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    messages = '[[messages]]\nsource = "messages/en.json"\noutput = "messages/{locale}.json"\n\n'
    root = make_site(tmp_path / "site", messages + command_config(script, "publish = true"))
    (root / "messages").mkdir()
    (root / "messages/en.json").write_text(
        json.dumps({"greeting": "Hello {name}, welcome!", "nav_home": "Home", "nav_home__instructions": "A menu item"})
    )
    run(root, "sync", "-q")
    got = data(run(root, "translate", "--format", "json", "--pages", "messages"))
    assert got["filled"] == 2 and got["written"] == ["locales/es/messages.po"]
    assert run(root, "sync", "-q").code == 0
    built = json.loads((root / "messages/es.json").read_text())
    assert built == {"greeting": "HELLO {name}, WELCOME!", "nav_home": "HOME"}


def test_translate_shard_fills_only_its_pages_and_the_shards_together_equal_one_run(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``translate --shard I/N`` (a CI matrix): each runner fills the PO files of its own pages
    only, and the shards' files put together are what one unsharded run writes."""
    from pipeline.workspace.shard import shard_of

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    script = tmp_path / "upper.py"
    script.write_text(UPPER_SCRIPT)
    pages = {f"p{k}": f"# Page {k}\n\nThe garden of page {k} has {k} trees.\n" for k in range(6)}
    owner = {name: shard_of(name, 2) for name in pages}
    assert set(owner.values()) == {1, 2}, owner  # both shards have pages (the partition is fixed)
    results: dict[str, dict[str, bytes]] = {}
    for label, args in (("all", ()), ("1", ("--shard", "1/2")), ("2", ("--shard", "2/2"))):
        root = make_site(tmp_path / label, command_config(script), pages)
        assert run(root, "sync", "-q").code == 0
        before = {n: (root / "locales/es" / f"{n}.po").read_bytes() for n in pages}
        result = run(root, "translate", *args)
        assert result.code == 0, result.err
        after = {n: (root / "locales/es" / f"{n}.po").read_bytes() for n in pages}
        if label != "all":
            assert {n for n in pages if after[n] != before[n]} == {n for n in pages if owner[n] == int(label)}
        results[label] = after
    merged = {n: results[str(owner[n])][n] for n in pages}
    assert merged == results["all"]
