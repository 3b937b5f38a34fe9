"""Imports go one way: base → declare → readers, validate → scoring → review → pipeline/audit → render/batch → cli."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "perfeval"
RANK = {
    "issues": 0, "notation": 0, "methods": 0, "layouts": 0, "chars": 0, "numbers": 0, "status": 0, "dates": 0, "profile": 0, "safety": 0,
    "declare": 1, "library": 1, "office": 1,
    "validate": 2, "readers": 2,
    "scoring": 3,
    "review": 4,
    "pipeline": 5, "lint": 5, "audit": 5, "store": 5, "department": 5,
    "render": 6, "batch": 6,
    "cli": 7, "serve": 7,
    "__main__": 8,  # python -m perfeval
}


def _top(module_path: Path) -> str:
    rel = module_path.relative_to(SRC).with_suffix("")
    return rel.parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    pkg = path.relative_to(SRC).parent.parts
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)] if node.level > 1 else pkg
                target = list(base) + (node.module.split(".") if node.module else [])
                if not target and node.names:
                    target = [node.names[0].name]
                if target:
                    out.add(target[0])
            elif node.module and node.module.startswith("perfeval."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("perfeval."):
                    out.add(a.name.split(".")[1])
    return out


def test_imports_point_down_only():
    bad = []
    for path in SRC.rglob("*.py"):
        if path.name == "__init__.py" and path.parent == SRC:
            continue
        top = _top(path)
        me = RANK.get(top)
        assert me is not None, f"{top} has no layer in tests/test_layers.py"
        for dep in _imports(path):
            if dep in RANK and RANK[dep] > me:
                bad.append(f"{path.relative_to(SRC)} imports {dep}")
    assert not bad, bad
