// Start page: upload files, show each result (总分, 等级, problems) and its 自评表.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("check-form");
  const input = document.getElementById("check-files");
  const status = document.getElementById("check-status");
  const out = document.getElementById("check-results");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!input.files.length) { status.textContent = "请先选择文件。"; return; }
    const fd = new FormData();
    for (const f of input.files) fd.append("files", f, f.name);
    status.className = "status"; status.textContent = "正在评分……";
    const r = await pe.post("/check", fd);
    out.replaceChildren();
    if (!r.ok) { status.className = "status error"; status.textContent = pe.problem(r.data); return; }
    status.textContent = "共 " + r.data.records.length + " 个结果。";
    r.data.records.forEach((rec, k) => out.append(card(rec, r.data.forms[k])));
  });
});

function card(rec, formHtml) {
  const box = pe.el("div", { class: "result", "data-status": rec.status });
  const title = rec.status === "scored" ? rec.project.name + "（" + rec.project.year + " 年度）" : rec.file + "：未能评分（已拒绝）";
  box.append(pe.el("h2", { text: title }));
  box.append(pe.el("p", { class: "muted", text: "文件：" + rec.file + (rec.line ? "，第 " + rec.line + " 行起" : "") }));
  if (rec.status === "scored") {
    const p = pe.el("p");
    p.append(pe.el("span", { class: "big" }, "总分 ", pe.el("span", { class: "total", text: pe.fmt(rec.total) })));
    p.append(pe.el("span", { class: "big" }, "等级 ", pe.el("span", { class: "grade", text: rec.grade })));
    if (rec.claimed_total !== null && rec.claimed_total !== undefined) p.append(pe.el("span", { class: "muted", text: "自评总分 " + pe.fmt(rec.claimed_total) }));
    box.append(p);
  }
  const ul = pe.el("ul", { class: "findings" });
  for (const i of rec.issues) {
    ul.append(pe.el("li", { class: "sev-" + i.severity }, pe.el("b", { text: pe.sev[i.severity] + " " + i.code }),
      (i.line ? " 第 " + i.line + " 行" : "") + (i.indicator ? "［" + i.indicator + "］" : "") + " " + i.message));
  }
  if (!rec.issues.length) ul.append(pe.el("li", { text: "没有问题。" }));
  box.append(ul);
  if (formHtml) {
    const fr = pe.el("iframe", { class: "form", title: "自评表", sandbox: true });
    fr.srcdoc = formHtml;
    box.append(fr);
  }
  return box;
}
