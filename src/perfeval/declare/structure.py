"""Check the shape of a loaded submission before any value is looked at.

Missing keys, wrong types and unknown (often misspelt) keys are reported with
file and line.  The spec below is the single source for the format's keys; the
JSON Schema in ``schema/submission.schema.json`` is generated from it.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from ..chars import TEXT_FORBIDDEN_RE
from ..notation import MAX_ABS, comparator
from .load import Loaded

# type tags: str, int, num, text (str or number), target (str/number/mapping), map, list, any
_FUNDS_ROW = {"initial": ("num", False), "budget": ("num", True), "executed": ("num", True)}
SPEC: dict[str, Any] = {
    "perfeval": ("int", True),
    "kind": ("str", False),  # project (default); department files have their own spec (declare/department.py)
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
    """NaN, ±Infinity, or a magnitude no form can hold (≥ 1e15, see ``notation.MAX_ABS``)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return not (math.isfinite(v) and abs(v) < MAX_ABS)
    if isinstance(v, str):
        if v.strip().lower() in ("nan", "inf", "-inf", "infinity", "-infinity", "+inf"):
            return True
        try:
            f = float(v.strip().replace(",", ""))
        except ValueError:
            return False
        return not (math.isfinite(f) and abs(f) < MAX_ABS)
    return False


YEAR_RANGE = (1949, 2200)
# Names, codes, units and targets are table cells and file names: a spreadsheet cell holds at most
# 32 767 characters and common CSV readers stop at 131 072.  Free-text fields (notes, narrative,
# goal) are bounded only by the file size limit.
MAX_SHORT_TEXT = 500
_LONG_TEXT_KEYS = {"note", "definition"}
_LONG_TEXT_SECTIONS = {"narrative", "goal"}
# C0 controls except tab/newline/CR, DEL, C1 controls, and bidirectional overrides: in a name they are
# never intended and they reach terminals (escape sequences) and published pages (text spoofing).
_CONTROL_CHARS = TEXT_FORBIDDEN_RE


def show(v: Any, limit: int = 40) -> str:
    """A short, printable rendering of a user value for a message (never expands a structure)."""
    if isinstance(v, (dict, list)):
        return _type_zh(v)
    s = _CONTROL_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", str(v))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _control_char(v: Any) -> str | None:
    if isinstance(v, str):
        m = _CONTROL_CHARS.search(v)
        if m:
            return f"U+{ord(m.group()):04X}"
    return None


def _dotted(path: tuple) -> str:
    """``("indicators", 2, "weight")`` → ``indicators[2].weight`` (built only when an issue is reported)."""
    return ".".join(show(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _is_plain_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# one predicate per type tag; only the tag's own predicate runs (this check is on the bulk path)
_TYPE_OK = {
    "str": lambda v: isinstance(v, str) or _is_plain_number(v),
    "int": _is_int,
    "num": lambda v: as_number(v) is not None,
    "text": lambda v: isinstance(v, str) or _is_plain_number(v),
    "target": lambda v: isinstance(v, (str, dict)) or (_is_plain_number(v) and math.isfinite(v)),
}
_NUMERIC_TAGS = frozenset(("num", "int", "target"))


def _check_value(ld: Loaded, tag: Any, value: Any, path: tuple, out: list) -> None:
    if value is None:
        return  # null is "not given"; required-ness is checked by the caller
    if isinstance(tag, dict):
        if not isinstance(value, dict):
            out.append(ld.issue("PE201", path, field=_dotted(path), expected="键值映射", actual=_type_zh(value)))
            return
        _check_map(ld, tag, value, path, out)
        return
    if isinstance(tag, list):
        if not isinstance(value, list):
            out.append(ld.issue("PE201", path, field=_dotted(path), expected="列表", actual=_type_zh(value)))
            return
        for i, item in enumerate(value):
            if item is None:  # an empty row ("- " or "- null") is not "not given": it has no fields at all
                expected = "键值映射" if isinstance(tag[0], dict) else _TYPE_ZH.get(tag[0], str(tag[0]))
                out.append(ld.issue("PE201", path + (i,), field=_dotted(path + (i,)), expected=expected, actual="空值"))
                continue
            _check_value(ld, tag[0], item, path + (i,), out)
        return
    if tag == "any":
        return
    is_str = isinstance(value, str)
    if tag in _NUMERIC_TAGS and not (tag == "target" and is_str) and _is_nonfinite(value):
        out.append(ld.issue("PE207", path, field=_dotted(path), value=show(value)))
        return
    if is_str:
        bad = _control_char(value)
        if bad:
            out.append(ld.issue("PE201", path, field=_dotted(path), expected="不含控制字符的文本", actual=f"含控制字符 {bad} 的文本"))
            return
        if len(value) > MAX_SHORT_TEXT and path[-1] not in _LONG_TEXT_KEYS and path[0] not in _LONG_TEXT_SECTIONS:
            out.append(ld.issue("PE201", path, field=_dotted(path), expected=f"不超过 {MAX_SHORT_TEXT} 字的文本", actual=f"{len(value)} 字的文本"))
            return
    if tag == "target" and isinstance(value, dict):
        if "value" in value and not (set(value) - {"op", "value", "unit", "hi"}):
            _check_target_map(ld, value, path, out)
            return
        ok = False
    else:
        ok = _TYPE_OK[tag](value)
    if not ok:
        out.append(ld.issue("PE201", path, field=_dotted(path), expected=_TYPE_ZH[tag], actual=_type_zh(value)))
    elif tag == "int" and path == ("project", "year") and not YEAR_RANGE[0] <= as_number(value) <= YEAR_RANGE[1]:
        out.append(ld.issue("PE201", path, field=_dotted(path), expected=f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份", actual=show(value)))


def _check_target_map(ld: Loaded, value: dict, path: tuple, out: list) -> None:
    """``{op, value, unit, hi}``: a known comparator, finite numbers, text unit, value ≤ hi."""
    reasons = []
    op = value.get("op")
    if op is not None and (not isinstance(op, str) or comparator(op) is None):
        reasons.append(f"op“{show(op)}”不是可识别的比较符（≥ > ≤ < = 或 不低于、不超过 等）")
    lo, hi = as_number(value.get("value")), as_number(value.get("hi"))
    if lo is None or _is_nonfinite(value.get("value")):
        reasons.append(f"value“{show(value.get('value'))}”不是有效数字")
    if value.get("hi") is not None and (hi is None or _is_nonfinite(value.get("hi"))):
        reasons.append(f"hi“{show(value.get('hi'))}”不是有效数字")
    if lo is not None and hi is not None and lo > hi:
        reasons.append(f"下限 value {show(value.get('value'))} 大于上限 hi {show(value.get('hi'))}")
    unit = value.get("unit")
    if unit is not None and (not isinstance(unit, str) or _control_char(unit)):
        reasons.append("unit 应为不含控制字符的文本")
    if not reasons:
        return
    reason = "；".join(reasons)
    if path[-1] != "target":  # an actual value written as a mapping
        out.append(ld.issue("PE201", path, field=_dotted(path), expected="数字、文本或 {op, value, unit} 映射", actual=f"无法解析的映射（{reason}）"))
        return
    indicator = None
    if len(path) >= 2 and path[0] == "indicators" and isinstance(path[1], int):
        inds = ld.data.get("indicators")
        if isinstance(inds, list) and 0 <= path[1] < len(inds) and isinstance(inds[path[1]], dict):
            indicator = show(inds[path[1]].get("name") or f"第 {path[1] + 1} 项")
    written = "{" + ", ".join(f"{k}: {show(v, 20)}" for k, v in value.items()) + "}"
    out.append(ld.issue("PE310", path, indicator=indicator, target=written, reason=reason))


def _check_map(ld: Loaded, spec: dict, value: dict, path: tuple, out: list) -> None:
    for key, (tag, required) in spec.items():
        if value.get(key) is None:
            if required and not (key in ("level1", "level2", "name") and value.get("ref")):
                line = ld.line_of(path) or ld.lines.get(id(value), (None,))[0]  # top level: the mapping's first line
                out.append(ld.issue("PE200", path, field=_dotted(path + (key,)), line=line))
            continue
        _check_value(ld, tag, value[key], path + (key,), out)
    for key in value:
        if key not in spec:
            close = difflib.get_close_matches(str(key), list(spec), n=1, cutoff=0.6)
            suggest = f"，是否应为“{close[0]}”？" if close else ""
            out.append(ld.issue("PE202", path + (key,), field=_dotted(path + (key,)), suggest=suggest))


def check_structure(ld: Loaded) -> list:
    """Issues about the shape of ``ld.data`` (a dict)."""
    out: list = []
    data = ld.data
    version = data.get("perfeval")
    if version is not None and version != 1:
        out.append(ld.issue("PE203", ("perfeval",), version=show(version)))
    kind = data.get("kind")
    if kind == "department":  # routed to perfeval.department by the commands that take department files
        out.append(ld.issue("PE927", ("kind",)))
        return out
    if kind is not None and kind != "project":
        out.append(ld.issue("PE900", ("kind",), kind=show(kind)))
        return out
    _check_map(ld, SPEC, data, (), out)
    inds = data.get("indicators")
    if isinstance(inds, list) and not inds:
        out.append(ld.issue("PE205", ("indicators",)))
    funds = data.get("funds")
    if isinstance(funds, dict) and isinstance(funds.get("sources"), list) and not funds["sources"]:
        out.append(ld.issue("PE206", ("funds", "sources")))
    if isinstance(funds, dict) and funds.get("unit") not in (None, "万元", "元"):
        out.append(ld.issue("PE201", ("funds", "unit"), field="funds.unit", expected="“万元”或“元”", actual=show(funds.get("unit"))))
    return out
