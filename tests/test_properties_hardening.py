"""Hardening properties (hypothesis): hostile or broken input never crashes perfeval.

* Random mutations of valid submissions — keys dropped or misspelt, values swapped for
  random text / numbers / None / lists / mappings, unicode inserted, deep nesting, the
  YAML text itself cut or spliced — go through ``perfeval.pipeline.evaluate`` on a temp
  file.  Nothing is ever raised: problems come back as issues.  Every input gets one
  status; a rejected input always carries an error; results are valid JSON; and a
  submission with no error gets scores within [0, weight] and a total within [0, 100].
* The notation parser and the qualitative tiers take arbitrary text (CJK, full-width
  forms, control characters) and return a Rule / a tier or None, never an exception.
* The reader (``load_text`` / ``load_bytes``) takes arbitrary text and bytes.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from perfeval.declare.load import Limits, load_bytes, load_text
from perfeval.issues import CODES, ERROR
from perfeval.notation import TIERS, Rule, comparator, format_rule, parse, qualitative_tier, same_rule
from perfeval.pipeline import evaluate, results

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BASES = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]

# Text that looks like what clerks type, plus what they should not: notation symbols, CJK,
# full-width forms, control characters, bidi overrides, markup and formula starts.
_ALPHABET = st.one_of(
    st.sampled_from(list("≥≤<>=＞＜＝≧≦±~～-—–至到以上下内及%％‰.,，。0123456789０１２３４５６７８９")),
    st.sampled_from(["户", "人次", "万元", "元", "亿元", "%", "百分比", "台套", "元/人*月", "不低于", "不超过", "达成", "部分", "未",
                     "完成", "满意度", "/", "／", "不适用", "年", "月", "底", "\\", "[/]", "[bold]", "{{", "}}", "<script>", "=", "@", "+"]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
    st.characters(min_codepoint=0, max_codepoint=0x1F),  # C0 controls
    st.sampled_from(["\x7f", "\x85", "\x9b", "\u200b", "\u202e", "\u2066", "\ufeff", "\u3000", "\u00a0"]),
    st.characters(blacklist_categories=("Cs",)),
)
clerk_text = st.lists(_ALPHABET, max_size=12).map("".join)
any_text = st.text(max_size=60)  # st.text() never yields surrogates
numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 1e15, -1e15, 1e308, 5e-324, 2**31, 2**63, 10**400 // 10**380]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, clerk_text, any_text)
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(clerk_text, inner, max_size=3)),
                    max_leaves=12)


def _paths(node, prefix=()):
    """Every (container path, key) in a document."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((prefix, k))
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((prefix, i))
            out += _paths(v, prefix + (i,))
    return out


def _get(node, path):
    for step in path:
        node = node[step]
    return node


def _nest(value, depth):
    for _ in range(depth):
        value = [value]
    return value


def _mutate(doc, data):
    """Apply 1–4 random mutations to a copy of ``doc``, drawing choices from ``data``."""
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 4), label="n_mutations")):
        paths = _paths(doc)
        if not paths:
            break
        parent_path, key = data.draw(st.sampled_from(paths), label="where")
        parent = _get(doc, parent_path)
        op = data.draw(st.sampled_from(["drop", "junk", "rename", "unicode", "nest", "duplicate", "number_text", "empty"]), label="op")
        if op == "drop":
            del parent[key]
        elif op == "junk":
            parent[key] = data.draw(junk, label="junk")
        elif op == "rename" and isinstance(parent, dict):
            new = data.draw(st.one_of(clerk_text, st.just(str(key)[:-1] or "x"), st.just(str(key) + "s")), label="new_key")
            parent[new] = parent.pop(key)
        elif op == "unicode" and isinstance(parent[key], str):
            s = parent[key]
            at = data.draw(st.integers(0, len(s)), label="at")
            parent[key] = s[:at] + data.draw(clerk_text, label="insert") + s[at:]
        elif op == "nest":
            parent[key] = _nest(parent[key], data.draw(st.integers(1, 60), label="depth"))
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif op == "number_text":
            parent[key] = data.draw(st.one_of(numbers.map(str), st.sampled_from(["NaN", "Infinity", "-inf", "1e999", "１２", "三", "5万元"])),
                                    label="number_text")
        elif op == "empty":
            parent[key] = data.draw(st.sampled_from(["", [], {}, None, " "]), label="empty")
    return doc


def _text_mutate(text, data):
    """Cut, splice or corrupt the YAML text itself."""
    op = data.draw(st.sampled_from(["none", "truncate", "delete", "insert", "tabs", "crlf"]), label="text_op")
    n = len(text)
    if op == "truncate":
        return text[: data.draw(st.integers(0, n), label="cut")]
    if op == "delete":
        a = data.draw(st.integers(0, n), label="a")
        return text[:a] + text[a + data.draw(st.integers(1, 20), label="len"):]
    if op == "insert":
        a = data.draw(st.integers(0, n), label="a")
        pieces = st.sampled_from(list(":-[]{}&*!|>'\"#%@`, \n\t") + ["&a ", "*a", "!!python/object "])
        return text[:a] + "".join(data.draw(st.lists(pieces, max_size=8), label="ins")) + text[a:]
    if op == "tabs":
        return text.replace("  ", "\t", data.draw(st.integers(1, 3), label="k"))
    if op == "crlf":
        return text.replace("\n", "\r\n")
    return text


def _evaluate_text(text: str) -> tuple[str, object, list[dict]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "submission.yaml")
        Path(path).write_text(text, encoding="utf-8", errors="surrogatepass")
        ev = evaluate([path])  # must not raise, whatever the file holds
        res = results(ev)
    return path, ev, res


def _check(path, ev, res) -> None:
    assert ev.files == [path] and len(ev.status) == 1 and ev.status[0] in ("scored", "rejected")
    assert len(res) == 1 and res[0]["status"] == ev.status[0]
    json.dumps(res, ensure_ascii=False)  # JSON-able (strict JSON: see test_results_are_strict_json_*)
    for i in ev.issues:
        assert i.code in CODES and i.file == path and i.message
        assert i.code != "PE502", i.message  # an internal error caught per file is still a crash
        assert i.line is None or (isinstance(i.line, int) and i.line >= 1)
    errors = [i for i in ev.issues if i.severity == ERROR]
    if ev.status[0] == "rejected":
        assert errors, "a rejected file must say why"
        return
    r = res[0]
    for x in (r["total"], r["execution"]["score"], *(i["score"] for i in r["indicators"]), *(i["weight"] for i in r["indicators"])):
        assert x is None or math.isfinite(x)
    for ind in r["indicators"]:
        if ind["weight"] is not None and ind["score"] is not None and ind["weight"] >= 0:
            assert ind["score"] >= 0
    if not errors:  # what is published without an error must be within the rules
        assert 0 <= r["total"] <= 100, r["total"]
        assert 0 <= r["execution"]["score"] <= r["execution"]["weight"] + 1e-9
        for ind in r["indicators"]:
            assert ind["score"] is None or 0 <= ind["score"] <= ind["weight"] + 1e-9, ind


@SETTINGS
@given(st.sampled_from(BASES), st.data())
def test_mutated_submissions_never_raise_and_stay_in_bounds(base, data):
    doc = _mutate(base, data)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    _check(*_evaluate_text(text))


@SETTINGS
@given(st.sampled_from(BASES), st.data())
def test_corrupted_yaml_text_never_raises(base, data):
    text = yaml.safe_dump(base, allow_unicode=True, sort_keys=False, default_flow_style=data.draw(st.sampled_from([False, None])))
    _check(*_evaluate_text(_text_mutate(text, data)))


@settings(max_examples=100, deadline=None)
@given(junk)
def test_arbitrary_documents_never_raise(doc):
    text = yaml.safe_dump(doc, allow_unicode=True)
    _check(*_evaluate_text(text))


# ---------------------------------------------------------------------------
# The reader on arbitrary text and bytes
# ---------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(any_text, clerk_text, st.text(st.sampled_from(list(":-[]{}&*!|>'\"#%@`, \n\tab1")), max_size=80)))
def test_load_text_never_raises(text):
    ld = load_text(text, "x.yaml", Limits(max_aliases=5))
    assert ld.data is None or isinstance(ld.data, dict)
    assert ld.data is not None or any(i.severity == ERROR for i in ld.issues)


@SETTINGS
@given(st.binary(max_size=400))
def test_load_bytes_never_raises(raw):
    ld = load_bytes(raw, "x.yaml")
    assert ld.data is None or isinstance(ld.data, dict)
    assert all(i.code in CODES for i in ld.issues)


# ---------------------------------------------------------------------------
# Notation and tiers on arbitrary text
# ---------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(clerk_text, any_text))
def test_notation_parse_returns_a_rule(text):
    r = parse(text)
    assert isinstance(r, Rule)
    if r.numeric:
        assert r.value is not None and math.isfinite(r.value)
        assert r.hi is None or (math.isfinite(r.hi) and r.value <= r.hi)
        assert same_rule(parse(format_rule(r)), r)  # what is printed reads back the same
    assert isinstance(format_rule(r), str)


@SETTINGS
@given(st.one_of(st.none(), st.booleans(), numbers, st.lists(st.integers(), max_size=2)))
def test_notation_parse_takes_any_scalar(value):
    r = parse(value) if not isinstance(value, list) else parse(tuple(value))
    assert isinstance(r, Rule)
    assert not r.numeric or math.isfinite(r.value)


@SETTINGS
@given(st.one_of(clerk_text, any_text), st.one_of(st.none(), clerk_text, any_text))
def test_qualitative_tier_returns_a_tier_or_none(actual, target):
    assert qualitative_tier(actual, target) in (*TIERS, None)


@SETTINGS
@given(st.one_of(clerk_text, any_text))
def test_comparator_returns_an_operator_or_none(word):
    op = comparator(word)
    assert op in (None, ">=", ">", "<=", "<", "=")


def test_results_are_strict_json_for_a_tiny_source_budget(tmp_path):
    doc = yaml.safe_load((EXAMPLES / "hubei-rural-water.yaml").read_text(encoding="utf-8"))
    doc["funds"]["sources"][1]["budget"] = 5e-324
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    json.dumps(results(evaluate([str(path)])), allow_nan=False)
