// 填报 editor: the draft is edited in place; each change is saved and scored by the server
// (/fill/<id>/save), which answers with the score and the problems attached to their cells.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const boot = JSON.parse(document.getElementById("draft-data").textContent);
  const id = boot.id;
  const state = boot.data;
  let live = boot.live;
  let seq = 0, timer = null;
  state.project = state.project || {};
  state.funds = state.funds || { unit: "万元", sources: [] };
  state.funds.sources = state.funds.sources || [];
  state.goal = state.goal || {};
  state.indicators = state.indicators || [];

  const get = (path) => path.split(".").reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), state);
  function set(path, value) {
    const keys = path.split(".");
    let o = state;
    for (const k of keys.slice(0, -1)) { if (o[k] === null || typeof o[k] !== "object") o[k] = {}; o = o[k]; }
    o[keys[keys.length - 1]] = value;
  }
  const show = (v) => (v === null || v === undefined ? "" : String(v));

  function bind(input) {
    const path = input.dataset.path;
    input.value = show(get(path));
    input.addEventListener("input", () => { set(path, input.value); schedule(); });
    input.addEventListener("change", () => { set(path, input.value); schedule(); });
  }
  function cell(path, kind, opts) {
    let input;
    if (kind === "select") {
      input = pe.el("select", { "data-path": path });
      for (const o of opts) input.append(pe.el("option", { value: o, text: o }));
    } else if (kind === "area") {
      input = pe.el("textarea", { "data-path": path, rows: 1 });
    } else {
      input = pe.el("input", { "data-path": path, inputmode: kind === "num" ? "decimal" : null });
    }
    bind(input);
    return pe.el("td", {}, input, pe.el("div", { class: "msg", "data-msg": path }));
  }
  const out = (key) => pe.el("td", { class: "out", "data-out": key });

  function drawFunds() {
    const body = document.querySelector("#funds-table tbody");
    body.replaceChildren();
    state.funds.sources.forEach((s, k) => {
      const p = "funds.sources." + k + ".";
      const del = pe.el("button", { type: "button", class: "plain", title: "删除这一行", text: "删除" });
      del.addEventListener("click", () => { state.funds.sources.splice(k, 1); drawFunds(); schedule(); });
      body.append(pe.el("tr", { "data-row": "funds.sources." + k }, cell(p + "name"), cell(p + "initial", "num"), cell(p + "budget", "num"),
        cell(p + "executed", "num"), out("rate"), out("score"), pe.el("td", {}, del, pe.el("div", { class: "msg", "data-msg": "funds.sources." + k }))));
    });
  }
  function drawIndicators() {
    const body = document.querySelector("#ind-table tbody");
    body.replaceChildren();
    state.indicators.forEach((row, k) => {
      const p = "indicators." + k + ".";
      const del = pe.el("button", { type: "button", class: "plain", title: "删除这一项指标", text: "删除" });
      del.addEventListener("click", () => { state.indicators.splice(k, 1); drawIndicators(); schedule(); });
      const l1 = boot.level1.includes(row.level1) || !row.level1 ? boot.level1 : [row.level1, ...boot.level1];
      body.append(pe.el("tr", { "data-row": "indicators." + k },
        cell(p + "level1", "select", l1), cell(p + "level2"), cell(p + "name"), cell(p + "target"), cell(p + "actual"),
        out("completion"), cell(p + "weight", "num"), out("score"), cell(p + "note", "area"),
        pe.el("td", {}, del, pe.el("div", { class: "msg", "data-msg": "indicators." + k }))));
    });
  }
  document.getElementById("add-indicator").addEventListener("click", () => {
    state.indicators.push({ level1: "产出指标", level2: "数量指标", name: "", target: "", actual: null });
    drawIndicators(); schedule();
  });
  document.getElementById("add-source").addEventListener("click", () => {
    state.funds.sources.push({ name: "", initial: null, budget: null, executed: null });
    drawFunds(); schedule();
  });
  document.querySelectorAll("[data-path]").forEach(bind);
  drawFunds();
  drawIndicators();

  function schedule() {
    document.getElementById("save-status").textContent = "正在保存……";
    clearTimeout(timer);
    timer = setTimeout(save, 250);
  }
  async function save() {
    const mine = ++seq;
    const r = await pe.post("/fill/" + id + "/save", state);
    if (mine !== seq) return; // a newer edit is on its way
    if (!r.ok) { document.getElementById("save-status").textContent = "保存失败：" + pe.problem(r.data); return; }
    live = r.data;
    paint();
    document.getElementById("save-status").textContent = "已保存";
  }

  function paint() {
    const res = live.result;
    const scored = res.status === "scored";
    document.getElementById("live-total").textContent = scored ? pe.fmt(res.total) : "—";
    document.getElementById("live-grade").textContent = scored ? res.grade : "—";
    document.getElementById("issue-count").textContent = String(res.issues.length);
    document.getElementById("title").textContent = (state.project.name || "（未命名项目）") + (state.project.year ? "（" + state.project.year + " 年度）" : "");
    let wsum = null;
    if (scored) {
      wsum = (res.execution.weight || 0) + res.indicators.reduce((a, i) => a + (i.kind !== "na" && i.weight ? i.weight : 0), 0);
    }
    document.getElementById("weight-sum").textContent = wsum === null ? "—" : pe.fmt(wsum);
    const rows = document.querySelectorAll("#ind-table tbody tr");
    rows.forEach((tr, k) => {
      const i = scored ? res.indicators[k] : null;
      tr.querySelector('[data-out="completion"]').textContent = i ? pe.pct(i.completion) : "";
      tr.querySelector('[data-out="score"]').textContent = i ? (i.scorable ? pe.fmt(i.score) : "无法评分") : "";
    });
    document.querySelectorAll("#funds-table tbody tr").forEach((tr, k) => {
      const s = scored ? res.execution.sources[k] : null;
      tr.querySelector('[data-out="rate"]').textContent = s ? pe.pct(s.rate) : "";
      tr.querySelector('[data-out="score"]').textContent = scored && k === 0 ? pe.fmt(res.execution.score) : "";
    });
    document.querySelectorAll(".msg, .msgs").forEach((m) => m.replaceChildren());
    document.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
    const findings = document.getElementById("findings");
    findings.replaceChildren();
    for (const i of res.issues) {
      const text = pe.sev[i.severity] + " " + i.code + " " + i.message;
      let target = null;
      if (i.cell) {
        target = document.querySelector('[data-msg="' + CSS.escape(i.cell) + '"]');
        const parts = i.cell.split(".");
        while (!target && parts.length > 1) { parts.pop(); target = document.querySelector('[data-msg="' + CSS.escape(parts.join(".")) + '"]'); }
        const input = document.querySelector('[data-path="' + CSS.escape(i.cell) + '"]');
        if (input && i.severity === "error") input.classList.add("invalid");
      }
      if (target) target.append(pe.el("div", { class: "msg " + i.severity, text: text }));
      findings.append(pe.el("li", { class: "sev-" + i.severity }, pe.el("b", { text: pe.sev[i.severity] + " " + i.code }),
        (i.indicator ? "［" + i.indicator + "］" : "") + " " + i.message + (i.hint ? "（如何修改：" + i.hint + "）" : "")));
    }
    if (!res.issues.length) findings.append(pe.el("li", { text: "没有问题。" }));
    for (const a of ["dl-xlsx", "dl-docx"]) document.getElementById(a).classList.toggle("disabled", !scored);
  }
  paint();

  document.getElementById("preview-btn").addEventListener("click", () => {
    const block = document.getElementById("preview-block");
    block.hidden = false;
    document.getElementById("preview").src = "/fill/" + id + "/form.html?t=" + Date.now();
    block.scrollIntoView();
  });
});
