"""The public API: every name of ``pipeline.__all__`` resolves, and ``import pipeline`` stays cheap."""

from __future__ import annotations

import subprocess
import sys

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
