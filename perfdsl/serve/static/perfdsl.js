// perfdsl serve: what a page gains with JavaScript on. Every page works without it.
// 1. An upload shows how much has been sent, then the scoring page takes over.
// 2. A scoring page follows the worker's progress and shows the 汇总 when it is done.
// 3. On a 评分表, a click on an indicator opens its explain trace beside the table.
// 4. A click on a slow download (PDF, Excel) says it is being written.
"use strict";

function showProgress(box, fraction, text) {
  box.hidden = false;
  box.classList.toggle("indeterminate", fraction === null);
  box.querySelector(".fill").style.width = fraction === null ? "" : Math.round(fraction * 100) + "%";
  box.querySelector(".label").textContent = text;
}

function replaceMain(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const main = page.querySelector("main");
  if (main) {
    document.querySelector("main").replaceWith(main);
    document.title = page.title;
  }
}

function enhanceUpload(form) {
  const box = form.querySelector(".progress");
  form.addEventListener("submit", (event) => {
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    event.preventDefault();
    const limit = Number(form.dataset.limit || 0);
    if (limit && file.size > limit) {
      showProgress(box, 0, "文件太大：" + (file.size / 1048576).toFixed(1) + " MB，上限 " + (limit / 1048576) + " MB");
      return;
    }
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) showProgress(box, e.loaded / e.total, "上传中 " + Math.round(100 * e.loaded / e.total) + "%");
    });
    request.upload.addEventListener("load", () => showProgress(box, null, "已上传，正在读取…"));
    request.addEventListener("load", () => {
      if (request.status < 400) window.location.assign(request.responseURL);
      else replaceMain(request.responseText);
    });
    request.addEventListener("error", () => {  // the server is down or restarting: let the user send it again
      showProgress(box, 0, "上传失败：无法连接服务器，请稍后重试");
      form.querySelector("button").disabled = false;
    });
    form.querySelector("button").disabled = true;
    showProgress(box, 0, "上传中 0%");
    request.send(new FormData(form));
  });
}

function followRun(box) {
  const total = Number(box.dataset.total || 0);
  const tick = () => fetch(box.dataset.url).then((r) => r.json()).then((p) => {
    if (p.done) { window.location.reload(); return; }
    const all = p.total || total;
    if (p.queued) showProgress(box, null, "排队中…（另一批数据正在计分）");
    else showProgress(box, all ? Math.min(p.scored / all, 1) : null,
                      "已计分 " + p.scored + " 条" + (all ? "，共约 " + all + " 条" : ""));
    setTimeout(tick, 500);
  }).catch(() => setTimeout(tick, 2000));
  tick();
}

function enhanceSheet(trace) {
  document.querySelectorAll("table.sheet a.explain").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      document.querySelectorAll("table.sheet tr.selected").forEach((row) => row.classList.remove("selected"));
      link.closest("tr").classList.add("selected");
      trace.hidden = false;
      trace.textContent = "正在载入…";
      fetch(link.href + "&fragment=1").then((r) => r.text().then((html) => {
        const page = new DOMParser().parseFromString(html, "text/html");
        const part = page.querySelector(".explanation") || page.querySelector("main");
        const close = document.createElement("button");
        close.className = "close";
        close.type = "button";
        close.textContent = "关闭";
        close.addEventListener("click", () => { trace.hidden = true; });
        trace.replaceChildren(close, ...(part ? [document.importNode(part, true)] : []));
      })).catch(() => { trace.textContent = "无法载入计算过程"; });
    });
  });
}

function noteSlowDownloads(box) {  // a PDF of hundreds of records takes a minute or two: say so, once clicked
  box.querySelectorAll("a#download-pdf, a#download-xlsx").forEach((link) => {
    link.addEventListener("click", () => {
      let note = box.querySelector(".download-note");
      if (!note) {
        note = document.createElement("span");
        note.className = "download-note hint";
        box.append(note);
      }
      // (the page is not told when the download ends: the note says what happens, not what is happening)
      note.textContent = "已请求" + link.textContent + "：记录多时需要一两分钟生成，浏览器随后开始下载，无需再点";
    });
  });
}

document.addEventListener("keydown", (event) => {
  const trace = document.getElementById("trace");
  if (event.key === "Escape" && trace) trace.hidden = true;
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.uploader").forEach(enhanceUpload);
  const run = document.getElementById("run-progress");
  if (run) followRun(run);
  const trace = document.getElementById("trace");
  if (trace) enhanceSheet(trace);
  const downloads = document.getElementById("downloads");
  if (downloads) noteSlowDownloads(downloads);
});
