"""One rendered 自评表 per scored project under ``forms/`` (``--forms html|xlsx``).

Rendering belongs to :mod:`perfeval.render`; this module only calls its public
``render_forms(results, fmt)`` for one project at a time and names the files
with ``render.output.plan_directory`` (project name and year, collisions
numbered).  Forms are rendered by the same worker processes that parsed the
inputs, in chunks, each written under a temporary directory that the run
publishes at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOT_INSTALLED = "表单渲染尚未安装（perfeval.render 不可用），无法生成 --forms；请使用 --forms none"


def available() -> str | None:
    """``None`` when forms can be rendered, else the reason (Chinese)."""
    try:
        from ..render import render_forms  # noqa: F401
        from ..render.output import plan_directory  # noqa: F401
    except ImportError:
        return NOT_INSTALLED
    return None


def plan(results: list[dict], directory: Path, fmt: str) -> list[tuple[Path, dict]]:
    from ..render import formats
    from ..render.output import plan_directory

    return plan_directory(results, directory, formats.get("form", fmt).extension, "form")


def render_chunk(args: tuple[list[tuple[str, dict]], str]) -> list[tuple[int, str | None]]:
    """Render and write forms; returns (index in chunk, error or None) — one failure never stops the rest."""
    from ..render import render_forms

    items, fmt = args
    out: list[tuple[int, str | None]] = []
    for k, (path, result) in enumerate(items):
        try:
            data: Any = render_forms([result], fmt)
            if isinstance(data, str):
                Path(path).write_text(data, encoding="utf-8", newline="\n")
            else:
                Path(path).write_bytes(data)
            out.append((k, None))
        except Exception as e:  # noqa: BLE001 - a form that cannot be rendered costs that form only
            out.append((k, f"{type(e).__name__}: {e}"))
    return out
