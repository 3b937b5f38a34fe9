"""Live score of the 填报 page: one keystroke's round trip (save the draft, score it, answer).

    PYTHONPATH=src python bench/serve_live.py [--repeats 30]

A 20-indicator project from the union library (``POST /fill/<id>/save`` with the whole draft,
as the page sends it) through FastAPI's TestClient (the ASGI app, JSON both ways; no network).
Prints the minimum and the median of the repeats in milliseconds.  Budget: 150 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args(argv)
    from perfeval.library import load_library
    from perfeval.serve import Settings, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as d:
        c = TestClient(create_app(Settings(data=d)), base_url="http://127.0.0.1:8765")
        c.get("/")
        h = {"X-CSRF-Token": c.cookies.get("perfeval_csrf")}
        lib = load_library()
        codes = [i.code for i in lib.sector("union").indicators] + [i.code for i in lib.sector("common").indicators]
        did = c.post("/fill/new", json={"sector": "union", "picks": codes[:20], "name": "基准项目", "department": "某局", "year": 2024},
                     headers=h).json()["id"]
        page = c.get(f"/fill/{did}").text
        data = json.loads(page.split('id="draft-data">', 1)[1].split("</script>", 1)[0])["data"]
        n = len(data["indicators"])
        for i in data["indicators"]:
            i["actual"] = "达成预期指标" if not any(ch.isdigit() for ch in i["target"]) else i["target"].lstrip("≥≤=<>")
        times = []
        for k in range(args.repeats):
            data["indicators"][k % n]["note"] = f"第 {k} 次修改"
            t = time.perf_counter()
            r = c.post(f"/fill/{did}/save", json=data, headers=h)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.json()["result"]["status"] == "scored"
    print(f"live score, {n} indicators: min {min(times):.1f} ms, median {statistics.median(times):.1f} ms "
          f"({args.repeats} repeats; budget 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
