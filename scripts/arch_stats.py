"""Architecture figures of the ``pipeline`` package: modules, largest module, import levels, and
how many places call git, parse configuration, write files and lex HTML tags.

    python scripts/arch_stats.py [PACKAGE_DIR]      # default: pipeline/ beside this script

Import levels are the longest chain in the graph of module-level internal imports (imports
under ``if TYPE_CHECKING:`` and inside functions are left out; a cycle counts as one level).
The "places" are source lines matched by the patterns below, listed with ``-v``.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

GIT_CALL = re.compile(
    r"""\bgit\.(?:Repo|Git)\(|\brepo\.git\.[a-z_]+\(|\.execute\(\s*\[\s*"git"|subprocess\.\w+\(\s*\[\s*"git"|"""
    r"""\bRepo\.(?:init|clone_from)\("""
)
"""A call into git: GitPython (``git.Repo(…)``, ``repo.git.log(…)``) or a ``git`` subprocess."""

CONFIG_PARSE = re.compile(r"tomllib\.loads?\(|\b(?:cfg|config|settings)\.raw\b|\bsection\(cfg|def from_table\(")
"""Where configuration is parsed: TOML read, the raw table read, or a section's ``from_table``."""

FILE_WRITE = re.compile(r"^(?!\s*(?:#|def\b)).*(?:\bwrite_atomic\(|\.write_bytes\(|\.write_text\(|(?<![.\w])remove\()")
"""A place that writes or removes a file: ``write_atomic``, ``Path.write_bytes``/``write_text``, ``files.remove``
(``files.py``, where they are defined, aside)."""

TAG_LEXER = re.compile(r"""^(?!.*AUTOLINK).*re\.compile\(\s*r?["']<\(?(?:/\??)?\)?\(?\[(?:A-Za-z|a-z)""")
"""A regular expression that lexes HTML tags: ``<``, an optional ``/``, a letter class (autolinks aside)."""


def modules(package: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for file in sorted(package.rglob("*.py")):
        rel = file.relative_to(package.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = file
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(name: str, file: Path, known: set[str]) -> set[str]:
    """Internal modules ``name`` imports at module level."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    found: set[str] = set()
    body: list[ast.stmt] = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.If) and not _type_checking(node):
            body.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            body.extend(node.body)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in known:
                found.add(node.module)
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                if sub in known:
                    found.add(sub)
    found.discard(name)
    return found


def levels(graph: dict[str, set[str]]) -> int:
    """Longest chain of imports (in modules), cycles condensed."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    comp: dict[str, int] = {}
    counter = [0]

    def strong(v: str) -> None:  # Tarjan
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            n = len(set(comp.values()))
            while True:
                w = stack.pop()
                on.discard(w)
                comp[w] = n
                if w == v:
                    break

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            strong(v)
    dag: dict[int, set[int]] = {}
    for v, ws in graph.items():
        dag.setdefault(comp[v], set()).update(comp[w] for w in ws if comp[w] != comp[v])
    depth: dict[int, int] = {}

    def deep(c: int) -> int:
        if c not in depth:
            depth[c] = 1 + max((deep(d) for d in dag.get(c, ())), default=0)
        return depth[c]

    return max((deep(c) for c in dag), default=0)


def chain(graph: dict[str, set[str]]) -> list[str]:
    """One longest import chain (for -v), assuming no cycles."""
    memo: dict[str, list[str]] = {}

    def longest(v: str, seen: frozenset[str]) -> list[str]:
        if v in memo:
            return memo[v]
        best = max((longest(w, seen | {v}) for w in graph[v] if w not in seen), key=len, default=[])
        memo[v] = [v, *best]
        return memo[v]

    return max((longest(v, frozenset()) for v in graph), key=len, default=[])


def places(files: dict[str, Path], pattern: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    for file in files.values():
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                out.append(f"{file.as_posix()}:{number}: {line.strip()}")
    return out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    package = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "pipeline"
    found = modules(package)
    known = set(found)
    graph = {name: imports(name, file, known) for name, file in found.items()}
    sizes = {name: len(file.read_text(encoding="utf-8").splitlines()) for name, file in found.items()}
    real = [n for n in found if sizes[n] > 5]
    largest = max(sizes, key=lambda n: sizes[n])
    cycles = [n for n in graph if any(n in graph[m] for m in graph[n])]
    print(f"modules: {len(found)} ({len(real)} with more than 5 lines)")
    print(f"largest module: {largest} ({sizes[largest]} lines)")
    print(f"import levels: {levels(graph)}")
    if verbose:
        print("  longest chain: " + " -> ".join(chain(graph)))
    print(f"modules in a two-module import cycle: {len(cycles)}")
    checks = (
        ("git calls", GIT_CALL),
        ("config parsing", CONFIG_PARSE),
        ("file writes", FILE_WRITE),
        ("tag lexers", TAG_LEXER),
    )
    for label, pattern in checks:
        hits = places(found, pattern)
        if pattern is FILE_WRITE:
            hits = [h for h in hits if not h.split(":")[0].endswith("workspace/files.py")]
        mods = sorted({h.split(":")[0] for h in hits})
        print(f"{label}: {len(hits)} places in {len(mods)} modules ({', '.join(Path(m).stem for m in mods)})")
        if verbose:
            for hit in hits:
                print(f"  {hit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
