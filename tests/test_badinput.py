"""The bad-input corpus (tests/badinput/cases.yaml): every malformed submission gets
the right issue code, file and line, the right exit code, and never a traceback.

Each case runs through ``perfeval validate`` and ``perfeval score`` (click's CliRunner),
in text mode (what a clerk reads: ``文件:行号: 级别 代码 消息``) and in JSON mode (the
codes and lines, exactly).  Large, binary and non-UTF-8 fixtures are generated in
tmp_path by the functions in ``GENERATORS`` instead of being committed.

Then the whole corpus plus the valid examples go through one run, in-process and as
a real subprocess: every input is accounted for (scored or rejected with an error).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, ROOT, assert_no_crash
from perfeval.cli import main
from perfeval.issues import CODES, ERROR
from perfeval.pipeline import evaluate
from perfeval.status import STATUS_ZH

HERE = Path(__file__).resolve().parent / "badinput"
FILES = HERE / "files"
MANIFEST = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))["cases"]

# A small valid submission; the generated cases are variations of it (line numbers in
# cases.yaml refer to this text).
BASE = """perfeval: 1
profile: national-2020
project:
  name: 送温暖帮扶专项经费
  year: 2024
  department: 攀枝花市西区总工会
funds:
  unit: 万元
  sources:
    - {name: 本级财政资金, initial: 3, budget: 3, executed: 3}
indicators:
  - level1: 产出指标
    level2: 数量指标
    name: 帮扶困难职工数
    target: "≥5户"
    actual: 5
  - level1: 产出指标
    level2: 时效指标
    name: 按计划完成进度
    target: "≥95%"
    actual: "100%"
  - level1: 效益指标
    level2: 社会效益指标
    name: 让困难职工感受组织温暖
    target: 使困难职工感受到组织的温暖
    actual: 达成预期指标
  - level1: 满意度指标
    level2: 服务对象满意度指标
    name: 困难职工满意度
    target: "≥95%"
    actual: "96%"
"""


def _replace(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _big(path: Path) -> None:
    with open(path, "wb") as fh:  # a real YAML head, then 50 MB of comment lines
        fh.write(BASE.encode("utf-8"))
        line = ("# " + "填充" * 30 + "\n").encode("utf-8")
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))


_ALIASED = _replace("  department: 攀枝花市西区总工会", "  department: &dept 攀枝花市西区总工会\n  implementer: *dept")
_ALIASED = _replace("  - level1: 产出指标\n    level2: 数量指标", "  - level1: &out 产出指标\n    level2: 数量指标", _ALIASED)
_ALIASED = _replace("  - level1: 产出指标\n    level2: 时效指标", "  - level1: *out\n    level2: 时效指标", _ALIASED)

GENERATORS = {
    "big_50mb.yaml": _big,
    "seed_small_limit.yaml": lambda p: p.write_text(BASE, encoding="utf-8"),
    "aliases_forbidden.yaml": lambda p: p.write_text(_ALIASED, encoding="utf-8"),
    "few_aliases_default.yaml": lambda p: p.write_text(_ALIASED, encoding="utf-8"),
    "binary_random.yaml": lambda p: p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(20000))),
    "binary_png.yaml": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
    "not_utf8_not_gbk.yaml": lambda p: p.write_bytes(b"perfeval: 1\nproject: {name: \"\x80\xff\xfe\xfd\x81\x30\"}\n"),
    "gbk.yaml": lambda p: p.write_bytes(BASE.encode("gbk")),
    "gbk_duplicate_key.yaml": lambda p: p.write_bytes(_replace("  year: 2024\n", "  year: 2024\n  year: 2025\n").encode("gbk")),
    "utf8_bom.yaml": lambda p: p.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8")),
    "utf16le_bom.yaml": lambda p: p.write_bytes(BASE.encode("utf-16")),  # BOM + native (little-endian on CI)
    "utf16be_bom.yaml": lambda p: p.write_bytes(b"\xfe\xff" + BASE.encode("utf-16-be")),
    "utf32_bom.yaml": lambda p: p.write_bytes(BASE.encode("utf-32")),
    "utf16le_no_bom.yaml": lambda p: p.write_bytes(BASE.encode("utf-16-le")),
    "crlf.yaml": lambda p: p.write_bytes(BASE.replace("\n", "\r\n").encode("utf-8")),
    "crlf_misspelt.yaml": lambda p: p.write_bytes(_replace('    target: "≥5户"', '    taget: "≥5户"').replace("\n", "\r\n").encode("utf-8")),
    "cr_only.yaml": lambda p: p.write_bytes(BASE.replace("\n", "\r").encode("utf-8")),
    "long_string_1mb.yaml": lambda p: p.write_text(_replace("  name: 送温暖帮扶专项经费", "  name: " + "长" * 1_000_000), encoding="utf-8"),
    "long_note_1mb.yaml": lambda p: p.write_text(_replace("    actual: 5\n", "    actual: 5\n    note: " + "长" * 1_000_000 + "\n"), encoding="utf-8"),
    "deep_block_nesting.yaml": lambda p: p.write_text(
        "perfeval: 1\nproject:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(950)), encoding="utf-8"),
    "missing_file.yaml": lambda p: None,  # never written
}


def _id(case: dict) -> str:
    return case.get("file") or case["generate"]


CASES = [pytest.param(case, id=_id(case)) for case in MANIFEST]


def _materialise(case: dict, tmp_path: Path) -> Path:
    if "file" in case:
        return FILES / case["file"]
    path = tmp_path / case["generate"]
    GENERATORS[case["generate"]](path)
    return path


def _invoke(*args: str):
    res = CliRunner().invoke(main, list(args))
    # no traceback, no internal error, no exception escaping the CLI
    assert_no_crash(res)
    assert res.exit_code != 3 and "内部错误" not in res.output, res.output[-2000:]
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res


def _check_text(output: str, path: Path, codes: list[str], line: int | None) -> None:
    """Each code is printed on a line that starts with the file (and the line number for the first)."""
    shown = [ln for ln in output.splitlines() if ln.startswith(f"{path}:")]
    for k, code in enumerate(codes):
        hits = [ln for ln in shown if f" {code} " in ln]
        assert hits, f"{code} not reported with file name {path}:\n{output[-3000:]}"
        if k == 0 and line is not None:
            assert any(ln.startswith(f"{path}:{line}: ") for ln in hits), f"{code} not at line {line}:\n{hits}"


def _check_json(issues: list[dict], path: Path, spec: dict) -> None:
    got = {i["code"] for i in issues}
    assert "PE502" not in got, issues  # an internal error caught per file is still a crash
    assert set(spec["codes"]) <= got, (spec["codes"], sorted(got))
    assert not set(spec.get("absent") or []) & got, (spec.get("absent"), sorted(got))
    for i in issues:
        assert i["file"] == str(path)
        assert i["code"] in CODES and i["message"] and i["severity"] in ("error", "warning", "info")
    if spec.get("line") is not None and spec["codes"]:
        lines = {i["line"] for i in issues if i["code"] == spec["codes"][0]}
        assert spec["line"] in lines, (spec["codes"][0], lines)
    if spec["exit"] == 0:
        assert not any(i["severity"] == ERROR for i in issues), issues
    else:
        assert any(i["severity"] == ERROR for i in issues), issues


@pytest.mark.parametrize("case", CASES)
def test_validate(case, tmp_path):
    path = _materialise(case, tmp_path)
    spec = case["validate"]
    args = [str(a) for a in case.get("args") or []]
    res = _invoke("validate", str(path), *args)
    assert res.exit_code == spec["exit"], res.output[-3000:]
    _check_text(res.output, path, spec["codes"], spec.get("line"))
    res = _invoke("validate", str(path), *args, "--format", "json")
    assert res.exit_code == spec["exit"]
    _check_json(json.loads(res.stdout), path, spec)


@pytest.mark.parametrize("case", CASES)
def test_score(case, tmp_path):
    path = _materialise(case, tmp_path)
    v, s = case["validate"], case["score"]
    spec = {"exit": s.get("exit", v["exit"]), "codes": list(v["codes"]) + list(s.get("codes") or []),
            "line": s.get("line", v.get("line")) if s.get("codes") else v.get("line"), "absent": []}
    if s.get("codes"):  # the score-only codes come first so that `line` refers to them
        spec["codes"] = list(s["codes"]) + list(v["codes"])
    args = [str(a) for a in case.get("args") or []]
    res = _invoke("score", str(path), *args)
    assert res.exit_code == spec["exit"], res.output[-3000:]
    _check_text(res.output, path, spec["codes"], spec["line"])
    if s["status"] == "rejected":
        assert "未能评分（已拒绝）" in res.output
    else:
        assert "总分" in res.output
    res = _invoke("score", str(path), *args, "--format", "json")
    assert res.exit_code == spec["exit"]
    r = json.loads(res.stdout)
    assert r["status"] == s["status"]
    _check_json(r["issues"], path, spec)
    if r["status"] == "scored" and not any(i["severity"] == ERROR for i in r["issues"]):
        # figures without an error are published as they are: they must be within the rules
        assert 0 <= r["total"] <= 100
        for ind in r["indicators"]:
            assert ind["score"] is None or 0 <= ind["score"] <= ind["weight"] + 1e-9


# ---------------------------------------------------------------------------
# The manifest itself
# ---------------------------------------------------------------------------
def test_manifest_covers_every_committed_file_and_vice_versa():
    listed = {c["file"] for c in MANIFEST if "file" in c}
    on_disk = {p.name for p in FILES.iterdir()}
    assert listed == on_disk, (sorted(on_disk - listed), sorted(listed - on_disk))
    assert {c["generate"] for c in MANIFEST if "generate" in c} == set(GENERATORS)
    ids = [_id(c) for c in MANIFEST]
    assert len(ids) == len(set(ids))


def test_manifest_is_well_formed_and_large_enough():
    assert len(MANIFEST) >= 45
    for c in MANIFEST:
        assert ("file" in c) != ("generate" in c), c
        assert c.get("about"), c
        v = c["validate"]
        assert v["exit"] in (0, 1) and isinstance(v["codes"], list)
        assert all(code in CODES for code in v["codes"] + (v.get("absent") or []) + (c["score"].get("codes") or []))
        assert c["score"]["status"] in ("scored", "rejected")
        assert set(c) <= {"file", "generate", "about", "args", "validate", "score"}, c
        assert v["exit"] == 1 or not any(CODES[k].severity == ERROR for k in v["codes"]), c


def test_committed_fixtures_are_small_text():
    for p in FILES.iterdir():
        raw = p.read_bytes()
        assert len(raw) < 64 * 1024, p.name  # large fixtures are generated in tmp_path
        raw.decode("utf-8")  # non-UTF-8 fixtures are generated too


def test_python_tags_are_never_executed(tmp_path):
    """The corpus file would exit the process with 97 if the tag were constructed."""
    res = _invoke("validate", str(FILES / "yaml_python_object.yaml"))
    assert res.exit_code == 1 and "PE101" in res.output


# ---------------------------------------------------------------------------
# The whole corpus at once: every input accounted for
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every committed and generated bad file plus the valid examples (cases that need other limits left out)."""
    tmp = tmp_path_factory.mktemp("corpus")
    paths = [FILES / c["file"] for c in MANIFEST if "file" in c]
    for c in MANIFEST:
        if "generate" in c and c["generate"] != "missing_file.yaml" and not c.get("args"):
            p = tmp / c["generate"]
            GENERATORS[c["generate"]](p)
            paths.append(p)
    valid = sorted(EXAMPLES.glob("*.yaml"))
    return paths, valid


def test_one_run_over_the_corpus_accounts_for_every_input(corpus):
    bad, valid = corpus
    files = [str(p) for p in bad + valid]
    ev = evaluate(files)
    assert ev.files == files and len(ev.status) == len(files)
    assert set(ev.status) <= {"scored", "rejected"}
    expected = {str(FILES / c["file"]) if "file" in c else c["generate"]: c for c in MANIFEST}
    for f, st in zip(files, ev.status, strict=True):
        mine = ev.by_file.get(f, [])
        if st == "rejected":
            assert any(i.severity == ERROR for i in mine), f  # a rejected file always says why
        case = expected.get(f) or expected.get(Path(f).name)
        if case is not None:
            assert st == case["score"]["status"], f
            assert set(case["validate"]["codes"]) <= {i.code for i in mine}, f
    for f in map(str, valid):
        assert ev.status[files.index(f)] == "scored", f
    assert all(i.file in files for i in ev.issues)  # no issue without its file


@pytest.mark.slow
def test_corpus_as_a_real_process_prints_no_traceback(corpus):
    bad, valid = corpus
    files = [str(p) for p in bad + valid]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-c", "from perfeval.cli import main; main()", "validate", *files],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=300)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "内部错误" not in out, out[-3000:]
    assert proc.returncode == 1
    assert f"共检查 {len(files)} 个文件" in out
    for p in bad:
        case = next(c for c in MANIFEST if _id(c) == p.name)
        if case["validate"]["codes"]:
            assert f"{p}:" in out, p.name


def test_one_markup_file_ends_no_validate_run():
    files = [str(FILES / "markup_in_unknown_key.yaml"), str(EXAMPLES / "seed-as-published.yaml")]
    res = CliRunner().invoke(main, ["validate", *files])
    assert res.exit_code == 1 and "共检查 2 个文件" in res.output and "PE301" in res.output


# ---------------------------------------------------------------------------
# perfeval batch over the corpus: accounting, determinism, atomicity
# ---------------------------------------------------------------------------
def _read_csv(path: Path) -> list[dict]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, corpus):
    """The corpus and the valid examples copied into one directory (what a bureau receives)."""
    bad, valid = corpus
    d = tmp_path_factory.mktemp("batch") / "submissions"
    d.mkdir()
    for p in bad + valid + sorted(FILES.iterdir()):  # the batch prints no per-issue messages: every file goes in
        (d / p.name).write_bytes(p.read_bytes())
    return d


def _batch(*args: str):
    res = CliRunner().invoke(main, ["batch", *map(str, args), "--no-progress"])
    assert_no_crash(res)
    return res


@pytest.mark.slow
def test_batch_accounts_for_every_input(corpus_dir, tmp_path):
    out = tmp_path / "out"
    res = _batch(corpus_dir, "-o", out, "-j", "1", "--seed", "1")
    assert res.exit_code == 1  # the corpus has rejected files
    names = sorted(p.name for p in corpus_dir.iterdir())
    rows = _read_csv(out / "summary.csv")
    assert sorted(Path(r["源文件"]).name for r in rows) == names  # every file exactly once: 100% accounted for
    issues = _read_csv(out / "issues.csv")
    by_file: dict[str, set] = {}
    for i in issues:
        by_file.setdefault(Path(i["文件"]).name, set()).add(i["代码"])
    cases = {_id(c): c for c in MANIFEST}
    for r in rows:
        name = Path(r["源文件"]).name
        assert r["状态"] in ("已评分", "已拒绝")
        if r["状态"] == "已拒绝":
            assert r["拒绝原因"] and int(r["错误数"]) >= 1, r
        if name in cases:
            assert r["状态"] == STATUS_ZH[cases[name]["score"]["status"]], name  # the manifest names the JSON code
            assert set(cases[name]["validate"]["codes"]) <= by_file.get(name, set()), name
    assert "PE502" not in {i["代码"] for i in issues}
    assert f"输入 {len(names)} 个文件" in res.output


@pytest.mark.slow
def test_batch_outputs_are_deterministic(corpus_dir, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _batch(corpus_dir, "-o", a, "-j", "1", "--seed", "5")
    _batch(corpus_dir, "-o", b, "-j", "2", "--seed", "5")  # other worker count, same result
    for name in ("summary.csv", "issues.csv", "recheck.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    c = tmp_path / "c"
    _batch(corpus_dir, "-o", c, "-j", "2")  # without --seed only the re-check sample may differ
    for name in ("summary.csv", "issues.csv"):
        assert (a / name).read_bytes() == (c / name).read_bytes(), name


@pytest.fixture(scope="module")
def many_submissions(tmp_path_factory):
    """Enough submissions that a batch with forms runs for a moment."""
    d = tmp_path_factory.mktemp("many") / "in"
    d.mkdir()
    text = (EXAMPLES / "seed-corrected.yaml").read_text(encoding="utf-8")
    for k in range(600):
        (d / f"p{k:04d}.yaml").write_text(text.replace("送温暖帮扶专项经费", f"送温暖帮扶专项经费{k}"), encoding="utf-8")
    (d / "broken.yaml").write_text("perfeval: 1\nproject: [\n", encoding="utf-8")
    return d


def _start_batch(src: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from perfeval.cli import main; main()", "batch", str(src), "-o", str(out),
           "-j", "2", "--forms", "html", "--seed", "3", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _interrupt_while_staging(proc: subprocess.Popen, out: Path, sig: int) -> tuple[int, str]:
    """Send ``sig`` once the run has staged its first output (forms being written), then wait."""
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and any(p.name.endswith(".tmp") for p in out.iterdir()):
            proc.send_signal(sig)
            break
        time.sleep(0.005)
    stdout, stderr = proc.communicate(timeout=120)
    return proc.returncode, (stdout + stderr).decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_interrupted_batch_leaves_no_partial_output_and_a_rerun_succeeds(many_submissions, tmp_path, sig, code):
    import signal

    out = tmp_path / "out"
    rc, text = _interrupt_while_staging(_start_batch(many_submissions, out), out, getattr(signal, sig))
    assert "Traceback" not in text, text[-3000:]
    assert rc == code, text[-3000:]
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written, no temporary files left
    # a re-run succeeds and publishes everything
    proc = _start_batch(many_submissions, out)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, (stdout + stderr).decode("utf-8", "replace")[-3000:]  # broken.yaml is rejected
    rows = _read_csv(out / "summary.csv")
    assert len(rows) == 601 and len(list((out / "forms").iterdir())) == 600
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_interrupted_batch_keeps_the_previous_outputs(many_submissions, tmp_path):
    import signal

    out = tmp_path / "out"
    proc = _start_batch(many_submissions, out)
    proc.communicate(timeout=300)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    forms_before = sorted(p.name for p in (out / "forms").iterdir())
    rc, text = _interrupt_while_staging(_start_batch(many_submissions, out), out, signal.SIGTERM)
    assert rc == 143 and "Traceback" not in text, text[-3000:]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in (out / "forms").iterdir()) == forms_before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
