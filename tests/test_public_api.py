"""The public API: every name of ``pipeline.__all__`` resolves, and ``import pipeline`` stays cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pipeline


def test_every_public_name_resolves_to_its_module() -> None:
    assert set(pipeline.__all__) == {"__version__", *pipeline._EXPORTS}
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None
    assert pipeline.segment_page.__module__ == "pipeline.segment.walker"
    assert pipeline.Settings.__name__ == "Settings"


def test_import_pipeline_loads_no_stage_until_a_name_is_used() -> None:
    code = (
        "import sys, pipeline; "
        "assert not [m for m in sys.modules if m.startswith(('pipeline.', 'markdown_it', 'git'))], sys.modules.keys()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _runtime_imports(file: Path) -> set[str]:
    """Modules a file imports when it runs (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_no_stage_module_imports_the_settings_module() -> None:
    """Stages get their options from the caller; only the workspace reads pipeline.toml."""
    package = Path(pipeline.__file__).parent
    offenders = [
        file.relative_to(package).as_posix()
        for folder in ("segment", "stages", "formats", "check", "status")
        for file in sorted((package / folder).glob("*.py"))
        if "pipeline.workspace.settings" in _runtime_imports(file)
    ]
    assert offenders == []
