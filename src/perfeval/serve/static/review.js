// 复核: upload a batch, follow its progress, open the dashboard when done.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("batch-progress");
  const status = document.getElementById("batch-status");
  async function follow(id) {
    bar.hidden = false;
    for (;;) {
      const res = await fetch("/api/batch/" + encodeURIComponent(id), { credentials: "same-origin" });
      const job = await res.json();
      if (!res.ok) { status.className = "status error"; status.textContent = pe.problem(job); return; }
      bar.value = job.progress;
      status.textContent = job.stage + (job.total ? "（" + job.done + "/" + job.total + "）" : "");
      if (job.state === "done") { location.href = "/review/" + job.id; return; }
      if (job.state === "failed") { status.className = "status error"; status.textContent = "复核失败：" + job.error; return; }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const form = document.getElementById("batch-form");
  if (form) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const files = document.getElementById("batch-files").files;
      if (!files.length) { status.textContent = "请先选择文件。"; return; }
      const fd = new FormData();
      for (const f of files) fd.append("files", f, f.webkitRelativePath || f.name);
      const profile = document.getElementById("batch-profile").value;
      if (profile) fd.append("profile", profile);
      const seed = document.getElementById("batch-seed").value.trim();
      if (seed) fd.append("seed", seed);
      status.className = "status"; status.textContent = "正在上传 " + files.length + " 个文件……";
      const r = await pe.post("/review/start", fd);
      if (!r.ok) { status.className = "status error"; status.textContent = pe.problem(r.data); return; }
      follow(r.data.id);
    });
  }
  const wait = document.getElementById("job-wait");
  if (wait) follow(wait.dataset.job);
});
