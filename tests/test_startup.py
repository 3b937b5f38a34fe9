"""Start-up cost (issue 15): ``perfeval --help`` and a command's help do not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
from perfeval.cli import main
sys.argv = ["perfeval"] + sys.argv[1:]
try:
    main()
except SystemExit as e:
    assert e.code in (0, None), e.code
heavy = [m for m in ("pandera", "rustpy_xlsxwriter") if m in sys.modules]
print("HEAVY=" + ",".join(heavy))
"""


def _heavy(*args: str) -> list[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("HEAVY="))
    return [m for m in line[len("HEAVY="):].split(",") if m]


def test_help_does_not_import_pandera_or_the_workbook_writer():
    assert _heavy("--help") == []
    assert _heavy("batch", "--help") == []
