"""pipeline.lock: deterministic TOML, read back exactly, nonsense refused at its line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.git.lock import Lock, format_lock, parse_lock

SHA = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40)
SEGMENT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='/\\"'), min_size=1, max_size=12
).filter(lambda s: s not in (".", ".."))
PAGE = st.lists(SEGMENT, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(
    url=st.text(min_size=1, max_size=40),
    ref=st.text(min_size=1, max_size=20),
    commit=SHA,
    pinned=st.booleans(),
    pages=st.dictionaries(PAGE, SHA, max_size=8),
)
def test_lock_round_trips_and_is_independent_of_page_order(
    url: str, ref: str, commit: str, pinned: bool, pages: dict[str, str]
) -> None:
    lock = Lock(url, ref, "src/posts", commit, "2026-01-02T03:04:05+01:00", pinned, pages)
    text = format_lock(lock)
    assert parse_lock(text) == lock
    assert format_lock(replace(lock, pages=dict(reversed(pages.items())))) == text


GOOD = format_lock(
    Lock(
        "../site",
        "main",
        "src/posts",
        "a" * 40,
        "2026-01-02T03:04:05+01:00",
        False,
        {"walk.md": "b" * 40, "news/spring.md": "c" * 40},
    )
)


@pytest.mark.parametrize(
    ("edit", "line", "fragment"),
    [
        (lambda t: t.replace('ref = "main"', "ref = 7"), 3, "ref must be a string"),
        (lambda t: t.replace("pinned = false", 'pinned = "no"'), 7, "pinned must be true or false"),
        (lambda t: t.replace('"walk.md" = "' + "b" * 40, '"walk.md" = "b'), 11, "blob id of 'walk.md'"),
        (lambda t: t.replace('"walk.md"', '"../walk.md"'), 11, "not a relative path to a page file"),
        (lambda t: t.replace('commit = "', '# no commit\nxcommit = "'), 6, "unknown key 'xcommit'"),
        (lambda t: t + "[pages\n", 12, "invalid TOML"),
    ],
)
def test_nonsense_lock_is_refused_at_its_line(edit: Callable[[str], str], line: int, fragment: str) -> None:
    text = edit(GOOD)
    assert text != GOOD
    with pytest.raises(InputError) as caught:
        parse_lock(text)
    assert caught.value.line == line, (str(caught.value), text)
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"pipeline.lock:{line}: error:")


@pytest.mark.parametrize(
    ("key", "line"),
    [('"a\u2028b" = "x"', 7), ('"a\\u2028b.md" = "x"', 6)],  # a raw line separator; a key written with an escape
)
def test_lock_errors_in_unusual_page_names_still_have_a_line(key: str, line: int) -> None:
    """TOML lines end at newlines only (found by the fuzzer: U+2028 in a page name lost the line)."""
    text = f'url = "u"\nref = "r"\npath = "p"\ncommit = "{"a" * 40}"\ndate = "d"\n[pages]\n{key}\n'
    with pytest.raises(InputError) as caught:
        parse_lock(text, "pipeline.lock")
    assert caught.value.line == line
