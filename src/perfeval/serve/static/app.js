// perfeval workbench: shared helpers (plain JavaScript, no external scripts).
"use strict";
window.pe = {
  csrf() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; },
  async post(url, body) {
    const headers = { "X-CSRF-Token": pe.csrf() };
    let payload = body;
    if (!(body instanceof FormData)) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const res = await fetch(url, { method: "POST", headers, body: payload, credentials: "same-origin" });
    let data = null;
    try { data = await res.json(); } catch (e) { data = { detail: "服务器返回了无法识别的内容（HTTP " + res.status + "）" }; }
    return { ok: res.ok, status: res.status, data };
  },
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); }
    return e;
  },
  fmt(v) { if (v === null || v === undefined) return ""; return (Math.round(Number(v) * 100 + 1e-9 * Math.sign(v)) / 100).toFixed(2); },
  pct(v) { if (v === null || v === undefined) return ""; return pe.fmt(v * 100) + "%"; },
  sev: { error: "错误", warning: "警告", info: "提示" },
  problem(data) {
    if (!data) return "请求失败";
    return (data.code ? data.code + " " : "") + (data.detail || "请求失败");
  },
};
