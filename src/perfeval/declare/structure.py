"""Check the shape of a loaded submission before any value is looked at.

Missing keys, wrong types and unknown (often misspelt) keys are reported with
file and line.  The spec below is the single source for the format's keys; the
JSON Schema in ``schema/submission.schema.json`` is generated from it.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from .load import Loaded

# type tags: str, int, num, text (str or number), target (str/number/mapping), map, list, any
_FUNDS_ROW = {"initial": ("num", False), "budget": ("num", True), "executed": ("num", True)}
SPEC: dict[str, Any] = {
    "perfeval": ("int", True),
    "profile": ("str", False),
    "project": ({
        "name": ("str", True),
        "code": ("text", False),
        "year": ("int", True),
        "department": ("str", True),
        "implementer": ("str", False),
    }, True),
    "funds": ({
        "unit": ("str", False),
        "sources": ([{"name": ("str", True), **_FUNDS_ROW}], True),
        "total": ({**{k: (t, False) for k, (t, _) in _FUNDS_ROW.items()}}, False),
        "note": ("str", False),
        "claimed_score": ("num", False),
    }, True),
    "goal": ({"target": ("str", False), "actual": ("str", False)}, False),
    "indicators": ([{
        "ref": ("str", False),
        "level1": ("str", True),
        "level2": ("str", True),
        "name": ("str", True),
        "target": ("target", False),  # a blank target is PE300 on that row, not a rejected file
        "actual": ("target", False),
        "weight": ("num", False),
        "claimed_score": ("num", False),
        "ratio": ("num", False),
        "note": ("str", False),
        "definition": ("str", False),
        "unit": ("str", False),
    }], True),
    "claimed_total": ("num", False),
    "claimed_grade": ("str", False),
    "narrative": ({
        "basic": ("str", False),        # 项目基本情况
        "funds": ("str", False),        # 资金安排与使用情况的说明
        "conclusion": ("str", False),   # 评价结论的补充说明
        "problems": ("str", False),     # 存在的问题
        "suggestions": ("str", False),  # 改进建议
    }, False),
}
INDICATOR_KEYS = tuple(SPEC["indicators"][0][0])
_TYPE_ZH = {
    "str": "文本", "int": "整数", "num": "数字", "text": "文本或数字", "target": "文本、数字或 {op, value, unit} 映射",
    "map": "键值映射", "list": "列表",
}


def _type_zh(v: Any) -> str:
    if v is None:
        return "空值"
    if isinstance(v, bool):
        return "布尔值"
    if isinstance(v, (int, float)):
        return "数字"
    if isinstance(v, str):
        return "文本"
    if isinstance(v, dict):
        return "键值映射"
    if isinstance(v, list):
        return "列表"
    return type(v).__name__


def as_number(v: Any) -> float | None:
    """A finite number from a YAML value (numbers, or numeric text from spreadsheets)."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = float(v.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) else None


def _is_int(v: Any) -> bool:
    n = as_number(v)
    return n is not None and n == int(n)


def _is_nonfinite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, str):
        return v.strip().lower() in ("nan", "inf", "-inf", "infinity", "-infinity", "+inf")
    return False


def _check_value(ld: Loaded, tag: Any, value: Any, path: tuple, out: list) -> None:
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    if value is None:
        return  # null is "not given"; required-ness is checked by the caller
    if isinstance(tag, dict):
        if not isinstance(value, dict):
            out.append(ld.issue("PE201", path, field=dotted, expected="键值映射", actual=_type_zh(value)))
            return
        _check_map(ld, tag, value, path, out)
        return
    if isinstance(tag, list):
        if not isinstance(value, list):
            out.append(ld.issue("PE201", path, field=dotted, expected="列表", actual=_type_zh(value)))
            return
        for i, item in enumerate(value):
            _check_value(ld, tag[0], item, path + (i,), out)
        return
    if tag == "any":
        return
    if tag in ("num", "int") and _is_nonfinite(value):
        out.append(ld.issue("PE207", path, field=dotted, value=value))
        return
    ok = {
        "str": isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)),
        "int": _is_int(value),
        "num": as_number(value) is not None,
        "text": isinstance(value, (str, int, float)) and not isinstance(value, bool),
        "target": isinstance(value, (str, int, float, dict)) and not isinstance(value, bool)
        and not (isinstance(value, float) and not math.isfinite(value)),
    }[tag]
    if tag == "target" and isinstance(value, dict):
        unknown = set(value) - {"op", "value", "unit", "hi"}
        if "value" not in value or unknown:
            ok = False
    if not ok:
        out.append(ld.issue("PE201", path, field=dotted, expected=_TYPE_ZH[tag], actual=_type_zh(value)))


def _check_map(ld: Loaded, spec: dict, value: dict, path: tuple, out: list) -> None:
    for key, (tag, required) in spec.items():
        if value.get(key) is None:
            if required and not (key in ("level1", "level2", "name") and value.get("ref")):
                dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path + (key,))
                out.append(ld.issue("PE200", path, field=dotted.replace(".[", "[")))
            continue
        _check_value(ld, tag, value[key], path + (key,), out)
    for key in value:
        if key not in spec:
            close = difflib.get_close_matches(str(key), list(spec), n=1, cutoff=0.6)
            suggest = f"，是否应为“{close[0]}”？" if close else ""
            field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path + (key,)).replace(".[", "[")
            out.append(ld.issue("PE202", path + (key,), field=field, suggest=suggest))


def check_structure(ld: Loaded) -> list:
    """Issues about the shape of ``ld.data`` (a dict)."""
    out: list = []
    data = ld.data
    version = data.get("perfeval")
    if version is not None and version != 1:
        out.append(ld.issue("PE203", ("perfeval",), version=version))
    _check_map(ld, SPEC, data, (), out)
    inds = data.get("indicators")
    if isinstance(inds, list) and not inds:
        out.append(ld.issue("PE205", ("indicators",)))
    funds = data.get("funds")
    if isinstance(funds, dict) and isinstance(funds.get("sources"), list) and not funds["sources"]:
        out.append(ld.issue("PE206", ("funds", "sources")))
    if isinstance(funds, dict) and funds.get("unit") not in (None, "万元", "元"):
        out.append(ld.issue("PE201", ("funds", "unit"), field="funds.unit", expected="“万元”或“元”", actual=str(funds.get("unit"))))
    return out
