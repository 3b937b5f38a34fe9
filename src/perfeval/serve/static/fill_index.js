// 填报 index: new draft from the indicator library, or from uploaded files.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const lib = JSON.parse(document.getElementById("library-data").textContent);
  const sector = document.getElementById("new-sector");
  const picks = document.getElementById("new-picks");
  const legend = picks.querySelector("legend");
  function showPicks() {
    picks.replaceChildren(legend);
    const s = lib.find((x) => x.code === sector.value);
    if (!s) return;
    for (const i of s.indicators) {
      const cb = pe.el("input", { type: "checkbox", value: i.code, "data-code": i.code });
      picks.append(pe.el("label", {}, cb, " " + i.code + " " + i.level1 + " / " + i.level2 + " / " + i.name + "（" + i.target + "）" + (i.core ? " ★" : "")));
    }
  }
  sector.addEventListener("change", showPicks);
  showPicks();
  const status = document.getElementById("new-status");
  document.getElementById("new-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = [...picks.querySelectorAll("input:checked")].map((x) => x.value);
    const body = {
      sector: sector.value, profile: document.getElementById("new-profile").value, picks: chosen,
      name: document.getElementById("new-name").value, department: document.getElementById("new-department").value,
      year: document.getElementById("new-year").value, budget: document.getElementById("new-budget").value,
    };
    status.className = "status"; status.textContent = "正在生成……";
    const r = await pe.post("/fill/new", body);
    if (!r.ok) { status.className = "status error"; status.textContent = pe.problem(r.data); return; }
    location.href = r.data.url;
  });
  const ustatus = document.getElementById("upload-status");
  document.getElementById("upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const files = document.getElementById("upload-files").files;
    if (!files.length) { ustatus.textContent = "请先选择文件。"; return; }
    const fd = new FormData();
    for (const f of files) fd.append("files", f, f.name);
    const r = await pe.post("/fill/upload", fd);
    if (!r.ok) {
      ustatus.className = "status error";
      ustatus.textContent = pe.problem(r.data) + (r.data && r.data.issues ? "：" + r.data.issues.map((i) => i.code + " " + i.message).join("；") : "");
      return;
    }
    location.href = r.data.url;
  });
});
