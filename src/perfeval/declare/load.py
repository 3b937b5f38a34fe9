"""Read a submission file safely: size limit, encoding, YAML with line numbers.

The loader is PyYAML's C loader (CSafeLoader) with two Python-level hooks in
the constructor: every mapping records the line of each key (so any later
issue can name its line without re-parsing), and a repeated key is an error
instead of PyYAML's silent "last one wins".  Only safe YAML is ever loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from ..issues import CODES, Issue, make_issue, os_error_zh

try:  # the C loader is ~8x faster; fall back to pure Python where libyaml is missing
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


@dataclass(frozen=True)
class Limits:
    """Limits applied to every input file (configurable from the CLI)."""

    max_bytes: int = 5 * 1024 * 1024
    max_aliases: int = 100


DEFAULT_LIMITS = Limits()


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, tuple[int, dict[Any, int]]] = {}
        self.duplicates: list[tuple[Any, int, int]] = []

    def construct_yaml_map(self, node: yaml.MappingNode):  # noqa: D401 - PyYAML hook
        data: dict[Any, Any] = {}
        yield data
        keylines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "键必须是简单文本（found an unhashable key）", key_node.start_mark
                ) from None
            line = key_node.start_mark.line + 1
            if key in keylines:
                self.duplicates.append((key, keylines[key], line))
            keylines[key] = line
            data[key] = self.construct_object(value_node, deep=True)
        self.lines[id(data)] = (node.start_mark.line + 1, keylines)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise yaml.constructor.ConstructorError(
                None, None, f"整数位数过多（{len(node.value)} 位）", node.start_mark
            ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)
# Merge keys ("<<") are not part of the format; treat them as an ordinary (unknown) key.
_LineLoader.add_constructor("tag:yaml.org,2002:merge", _LineLoader.construct_yaml_str)

_ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:-])\*[^\s*,\]}]", re.M)


def count_aliases(text: str) -> int:
    """Number of alias references in ``text`` *as expanded*.

    An alias to an anchored node that itself contains aliases counts those
    again each time it is used, so a "billion laughs" document (nine aliases
    of nine aliases of …) counts in the millions although it has only a few
    dozen ``*`` in its text.  The count is computed from the event stream in
    one linear pass; nothing is expanded.
    """
    inner: dict[str, int] = {}  # anchor -> expanded aliases inside the anchored node
    stack: list[list] = [[None, 0]]  # open collections: [anchor, aliases inside so far]
    for ev in yaml.parse(text, Loader=_Base):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([ev.anchor, 0])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)) and len(stack) > 1:
            anchor, n = stack.pop()
            if anchor is not None:
                inner[anchor] = n
            stack[-1][1] += n
        elif isinstance(ev, yaml.AliasEvent):
            stack[-1][1] += 1 + inner.get(ev.anchor, 0)
    return sum(x[1] for x in stack)


def _short(v: Any, limit: int = 40) -> str:
    s = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in str(v)[: limit + 1])
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass
class Loaded:
    """A file as read: its data (or ``None``), the issues met, and line numbers."""

    file: str
    data: Any = None
    issues: list[Issue] = field(default_factory=list)
    lines: dict[int, tuple[int, dict[Any, int]]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(i.severity == "error" for i in self.issues)

    def line_of(self, path: tuple) -> int | None:
        """Line of the key at ``path`` (or of the nearest enclosing key)."""
        node, best = self.data, None
        for step in path:
            if isinstance(node, dict):
                info = self.lines.get(id(node))
                if info is None:
                    break
                best = info[1].get(step, info[0])
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
                info = self.lines.get(id(node))
                if info is not None:
                    best = info[0]
            else:
                break
        return best

    def issue(self, code: str, path: tuple = (), **kw: Any) -> Issue:
        kw.setdefault("line", self.line_of(path))
        return make_issue(code, file=self.file, path=path, **kw)


def decode(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, encoding_warning, error).  UTF-8 (with or without BOM) first, then GB18030."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: same first two bytes
        try:
            return raw.decode("utf-32"), "UTF-32", None
        except UnicodeDecodeError:
            return None, None, "UTF-32 解码失败"
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, None, "含有 NUL 字节：二进制文件，或没有 BOM 的 UTF-16/UTF-32 文本"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16", None
        except UnicodeDecodeError:
            return None, None, "UTF-16 解码失败"
    try:
        return raw.decode("utf-8-sig"), None, None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None, None, "既不是 UTF-8 也不是 GBK/GB18030 编码"
    return text, "GBK/GB18030", None


# PyYAML's messages, in Chinese (the rest of a message is kept as it is)
_YAML_ZH = (
    ("could not find expected ':'", "缺少英文冒号“:”"),
    ("mapping values are not allowed in this context", "这里不能出现“键: 值”（多半是缩进不对，或文字中含英文冒号而没有加引号）"),
    ("found character that cannot start any token", "出现了不能作为开头的字符（常见原因：用 Tab 缩进，或以 @、` 开头）"),
    ("found character '\\t' that cannot start any token", "用了 Tab 缩进（YAML 只能用空格缩进）"),
    ("did not find expected key", "缩进不一致，找不到应有的键"),
    ("did not find expected '-' indicator", "列表项缩进不一致，找不到应有的“- ”"),
    ("expected <block end>, but found", "缩进不一致"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    ("found unexpected ':'", "出现了多余的英文冒号（文字中的冒号请加引号）"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("while scanning a simple key", ""),
    ("while parsing a block mapping", ""),
    ("while parsing a block collection", ""),
    ("while parsing a flow mapping", "花括号 {} 没有闭合或其中有误"),
    ("while parsing a flow sequence", "方括号 [] 没有闭合或其中有误"),
    ("while scanning an alias", "别名（*）写法有误"),
    ("while scanning an anchor", "锚点（&）写法有误"),
    ("found undefined alias", "引用了未定义的别名"),
)
_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s#:'\"：{}\[\]]+\s*：")


def yaml_error_in_chinese(e: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """(line, Chinese reason) for a YAML syntax error, naming the likely cause on its own line.

    A full-width colon after a key ("name：") or a tab in the indentation is reported on the line that has it
    (PyYAML notices the problem only a line or two later); otherwise PyYAML's message is translated.
    """
    mark = e.problem_mark or e.context_mark
    err_line = mark.line + 1 if mark else None
    lines = text.splitlines()
    upto = lines[: err_line] if err_line else lines
    for n, ln in enumerate(upto, 1):
        if "\t" in ln[: len(ln) - len(ln.lstrip(" \t"))]:
            return n, f"第 {n} 行用了 Tab 缩进：YAML 只能用空格缩进，请把 Tab 换成空格"
        if _FULLWIDTH_KEY.match(ln):
            return n, f"第 {n} 行的键后面是中文全角冒号“：”，应为英文冒号“:”加一个空格（如 name: 值）"
    parts = []
    for x in (e.context, e.problem):
        if not x:
            continue
        zh = next((z for en, z in _YAML_ZH if x.startswith(en) or en in x), x)
        if zh:
            parts.append(zh)
    reason = "；".join(parts) or "YAML 写法有误"
    if mark:
        reason += f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）"
    return err_line, reason


def load_text(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    out = Loaded(file=file)
    if not text.strip():
        out.issues.append(make_issue("PE107", file=file))
        return out
    if "*" in text and "&" in text and _ALIAS_HINT.search(text):
        try:
            count = count_aliases(text)
        except yaml.YAMLError:
            count = 0  # the real load below reports the syntax error with its position
        if count > limits.max_aliases:
            out.issues.append(make_issue("PE106", file=file, count=count, limit=limits.max_aliases))
            return out
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        line, reason = yaml_error_in_chinese(e, text)
        out.issues.append(make_issue("PE101", file=file, line=line, reason=reason))
        return out
    except RecursionError:
        out.issues.append(make_issue("PE101", file=file, reason="嵌套层数过深（列表或映射嵌套了数百层）"))
        return out
    except (yaml.YAMLError, ValueError, OverflowError) as e:
        out.issues.append(make_issue("PE101", file=file, reason=type(e).__name__ + ": " + str(e)[:200]))
        return out
    finally:
        loader.dispose()
    out.lines = loader.lines
    for key, first, line in loader.duplicates:
        # the template names both lines; make_issue takes ``line`` for the location, so fill it here
        msg = CODES["PE105"].template.format(key=_short(key), first=first, line=line)
        out.issues.append(replace(make_issue("PE105", file=file, line=line), message=msg))
    if data is None:
        out.issues.append(make_issue("PE107", file=file))
        return out
    if not isinstance(data, dict):
        kind = {list: "列表（list）", str: "文本", int: "数字", float: "数字"}.get(type(data), type(data).__name__)
        out.issues.append(make_issue("PE104", file=file, line=1, actual=kind))
        return out
    out.data = data
    return out


def load_path(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS, display: str | None = None) -> Loaded:
    file = display or str(path)
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            return Loaded(file=file, issues=[make_issue("PE102", file=file, size=size, limit=limits.max_bytes)])
        with open(path, "rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as e:
        return Loaded(file=file, issues=[make_issue("PE100", file=file, reason=os_error_zh(e))])
    return load_bytes(raw, file, limits)


def load_bytes(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    if len(raw) > limits.max_bytes:
        return Loaded(file=file, issues=[make_issue("PE102", file=file, size=len(raw), limit=limits.max_bytes)])
    text, warn, err = decode(raw)
    if err:
        return Loaded(file=file, issues=[make_issue("PE103", file=file, reason=err)])
    out = load_text(text, file, limits)
    if warn:
        out.issues.insert(0, make_issue("PE108", file=file, encoding=warn))
    return out
