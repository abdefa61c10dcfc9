"""The analytics example runs end to end on a demo store it builds."""

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python" / "analytics.py"


def test_analytics_example(tmp_path, capsys):
    module = runpy.run_path(str(EXAMPLE))
    db = tmp_path / "demo.db"
    module["build_demo"](f"sqlite:{db}")
    module["main"](["analytics.py", str(db), str(tmp_path / "calls.png")])
    out = capsys.readouterr().out
    for title in ["funnel", "adoption", "privacy (fans only)", "abuse", "refusals by code",
                  "revenue per creator", "permission denials by reason", "calls per hour"]:
        assert f"== {title}" in out
    # The chart is written when matplotlib is installed; otherwise the script says so.
    assert (tmp_path / "calls.png").exists() or "matplotlib is not installed" in out
