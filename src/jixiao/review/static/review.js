// jixiao review: a keyboard-driven queue. Plain JS, no build step.
"use strict";

// No token in the page: the server set an HttpOnly cookie when the terminal's URL was opened,
// and fetch sends it on same-origin requests.
const T = {
  zh: {title: "修复复核", department: "部门", field: "字段", status: "状态", confidence: "置信度", any: "全部",
    open: "待复核", all: "全部", decided: "已决定", flagged: "已标记", export: "导出", lang: "English",
    raw: "原文", proposed: "修复建议", current: "当前决定", evidence: "证据", candidates: "候选",
    noEvidence: "没有证据：空缺无法从其他材料补全。", noCandidates: "没有候选。", row: "行", year: "年度",
    source: "来源", context: "行内容", identical: "相同原文", items: "条", done: "已完成", shown: "当前筛选",
    empty: "当前筛选下没有条目。", from: "来自", restored: "补全",
    keys: "a 接受 · x 驳回（保留原文与□） · e 编辑 · 空格 跳过 · 1–9 选候选 · ⌫ 撤销 · f 标记给同事 · i 应用到相同原文 · b 批量接受 · j/k 上下 · l 语言 · t 未读懂的表格",
    applyAll: n => `下一个决定将应用到全部 ${n} 条相同原文（再按 i 取消）`,
    confirmAll: n => `将此决定应用到 ${n} 条相同原文？`, confirmKeys: "Enter 确认 · Esc 取消",
    editTitle: "编辑取值", editKeys: "Enter 保存 · Esc 取消",
    bulkTitle: "批量接受（预览）", bulkLabel: "置信度不低于", bulkCount: n => `将接受当前筛选中的 ${n} 条：`,
    conflict: "同事已修改此条目，已刷新。", undone: "已撤销", nothingUndo: "没有可撤销的决定",
    exported: c => `已导出：${c.decided} 条决定，${c.fields_settled} 个字段`, accepted: "已接受", saved: "已保存",
    cropAlt: "源文件页面截图", status_confirmed: "已确认", status_edited: "已编辑", status_unrepaired: "未修复",
    status_partial: "部分修复", status_repaired: "已修复", flaggedMark: "已标记给同事", version: "版本",
    kind_department: "部门整体", kind_project: "项目支出", kind_self_evaluation: "绩效自评",
    project: "项目", weight: "权重", direction: "方向", actual: "实际完成值", points: "得分", deviation: "偏差原因"},
  en: {title: "Repair review", department: "Department", field: "Field", status: "Status", confidence: "Confidence",
    any: "any", open: "to review", all: "all", decided: "decided", flagged: "flagged", export: "Export", lang: "中文",
    raw: "Raw", proposed: "Proposed", current: "Decision", evidence: "Evidence", candidates: "Candidates",
    noEvidence: "No evidence: the gaps could not be restored from other text.", noCandidates: "No candidates.",
    row: "row", year: "year", source: "Source", context: "Line", identical: "same raw", items: "items",
    done: "done", shown: "in filter", empty: "No items in this filter.", from: "from", restored: "restored",
    keys: "a accept · x reject (keep raw with □) · e edit · space skip · 1–9 pick candidate · ⌫ undo · f flag for colleague · i apply to identical · b bulk accept · j/k move · l language · t tables not understood",
    applyAll: n => `The next decision applies to all ${n} items with this raw text (i again to cancel)`,
    confirmAll: n => `Apply this decision to ${n} items with the same raw text?`, confirmKeys: "Enter confirm · Esc cancel",
    editTitle: "Edit value", editKeys: "Enter save · Esc cancel",
    bulkTitle: "Bulk accept (preview)", bulkLabel: "confidence at least", bulkCount: n => `Accepts ${n} items of the current filter:`,
    conflict: "A colleague changed this item; reloaded.", undone: "Undone", nothingUndo: "Nothing to undo",
    exported: c => `Exported: ${c.decided} decisions, ${c.fields_settled} fields`, accepted: "Accepted", saved: "Saved",
    cropAlt: "crop of the source page", status_confirmed: "confirmed", status_edited: "edited",
    status_unrepaired: "unrepaired", status_partial: "partial", status_repaired: "repaired",
    flaggedMark: "flagged for a colleague", version: "version",
    kind_department: "department", kind_project: "project", kind_self_evaluation: "self-evaluation",
    project: "project", weight: "weight", direction: "direction", actual: "achieved", points: "points",
    deviation: "deviation"},
};
let lang = localStorage.getItem("jixiao-lang") || "zh";
const t = (key, ...args) => { const v = T[lang][key]; return typeof v === "function" ? v(...args) : (v ?? key); };

const S = {items: [], index: 0, detail: null, applyAll: false, modal: null, progress: null};

function filters() {
  const form = new FormData($("filters"));
  return Object.fromEntries([...form.entries()].filter(([, v]) => v !== ""));
}

function toast(message) {
  const box = $("toast"); box.textContent = message; box.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

async function load(keepId) {
  const {data} = await api("/api/items?" + new URLSearchParams(filters()));
  S.items = data.items; S.progress = data.progress;
  fillFacets(data.facets);
  if (keepId) { const k = S.items.findIndex(i => i.id === keepId); if (k >= 0) S.index = k; }
  S.index = Math.max(0, Math.min(S.index, S.items.length - 1));
  renderQueue(); renderProgress();
  await show();
}

function fillFacets(facets) {
  for (const [id, values] of [["f-department", facets.departments], ["f-kind", facets.kinds]]) {
    const select = $(id);
    if (select.options.length > 1) continue;
    for (const v of values) select.append(el("option", {value: v, text: v}));
  }
}

function renderProgress() {
  const p = S.progress;
  $("progress").textContent = `${t("done")} ${p.done}/${p.total} · ${t("shown")} ${p.shown} · ${t("flagged")} ${p.flagged}`;
}

function renderQueue() {
  const queue = $("queue"); queue.replaceChildren();
  S.items.forEach((item, k) => {
    const mark = item.decided ? "✓" : item.flagged ? "⚑" : "";
    const row = el("button", {type: "button", class: "qi" + (k === S.index ? " current" : "") + (item.decided ? " done" : ""),
      tabindex: "-1", "data-id": item.id},
      el("span", {class: "conf", text: item.confidence.toFixed(2)}),
      el("span", {class: "qmark", text: mark}),
      el("span", {class: "qraw", text: item.raw || "∅"}),
      el("span", {class: "qmeta", text: `${item.department || ""} ${item.year || ""} · ${item.field}`}));
    if (k === S.index) row.setAttribute("aria-current", "true");
    row.addEventListener("click", () => { S.index = k; renderQueue(); show(); });
    queue.append(row);
  });
  const current = queue.querySelector(".current");
  if (current) current.scrollIntoView({block: "nearest"});
}

function runs(list) {
  const span = el("span", {class: "runs"});
  for (const [kind, text] of list) span.append(el("span", {class: "r-" + kind, text: kind === "gone" ? text.replace(/ /g, "␣") : text}));
  return span;
}

function evidenceList(evidence) {
  if (!evidence.length) return el("p", {class: "muted", text: t("noEvidence")});
  const list = el("ul", {class: "evidence"});
  for (const e of evidence) {
    const w = e.witness;
    const where = w ? `${w.department || ""} ${w.year || ""} (${e.filing})` : (e.source || e.filing || e.kind);
    list.append(el("li", {}, el("span", {class: "r-new", text: e.text}), ` ← ${e.kind} · ${t("from")} `,
      el("strong", {text: where}), ` · ${e.field || ""}`, e.span ? ` [${e.span[0]}–${e.span[1]}]` : ""));
  }
  return list;
}

async function show() {
  const pane = $("item");
  const summary = S.items[S.index];
  if (!summary) { pane.replaceChildren(el("p", {class: "muted", text: t("empty")})); S.detail = null; return; }
  const {data: d} = await api("/api/items/" + encodeURIComponent(summary.id));
  S.detail = d;
  const ctx = d.row_context;
  const head = el("div", {class: "ihead"},
    el("span", {class: "dept", text: `${d.department || "—"} · ${d.year || "—"}`}),
    el("span", {class: "fieldname", text: `${d.field}${d.row ? ` · ${t("row")} ${d.row}` : ""}`}),
    el("span", {class: "conf big", text: `${t("confidence")} ${d.confidence.toFixed(2)}`}),
    el("span", {class: "badge", text: t("status_" + d.status)}),
    d.flagged ? el("span", {class: "badge warn", text: t("flaggedMark")}) : null,
    el("span", {class: "muted", text: `${t("identical")}: ${d.identical} · ${t("version")} ${d.version}`}));
  const rowLine = ctx ? el("p", {class: "rowctx"}, [ctx.level1, ctx.level2, ctx.level3, ctx.operator, ctx.target, ctx.unit]
    .map(v => v ?? "/").join(" │ ") + (ctx.score != null ? ` │ ${ctx.score}` : "")) : null;
  // what project tables and self-evaluations add (schema 2): shown only where the filing has it
  const extra = ctx ? ["project", "weight", "direction", "actual", "points", "deviation"]
    .filter(k => ctx[k] != null && ctx[k] !== "").map(k => `${t(k)} ${ctx[k]}`) : [];
  if (ctx && ctx.kind) extra.unshift(t("kind_" + ctx.kind));
  const extraLine = extra.length ? el("p", {class: "rowctx extra", text: extra.join(" · ")}) : null;
  const diff = el("table", {class: "diff"},
    el("tr", {}, el("th", {text: t("raw")}), el("td", {}, runs(d.diff[0]))),
    el("tr", {}, el("th", {text: t("proposed")}), el("td", {}, runs(d.diff[1]))),
    d.decided ? el("tr", {class: "decided"}, el("th", {text: t("current")}), el("td", {text: d.value ?? "∅"})) : null);
  const cands = d.candidates.length ? el("ol", {class: "cands"}) : el("p", {class: "muted", text: t("noCandidates")});
  for (const c of d.candidates) cands.append(el("li", {}, el("kbd", {text: c.rank}), " ", runs(c.diff),
    el("span", {class: "score", text: ` ${c.score.toFixed(2)}`})));
  const src = el("div", {class: "source"}, el("h3", {text: `${t("source")}: ${d.source}`}));
  if (d.view === "crop") {
    src.append(el("img", {src: `/api/items/${encodeURIComponent(d.id)}/crop.png`, alt: t("cropAlt"), class: "crop"}));
  } else if (d.view === "text") {
    const {ok, data: c} = await api(`/api/items/${encodeURIComponent(d.id)}/context`);
    const pre = el("div", {class: "lines"});
    if (ok) for (const line of c.lines) pre.append(el("div", {class: "line" + (line.current ? " cur" : "")},
      el("span", {class: "ln", text: line.number}), el("span", {text: line.text})));
    else pre.append(el("p", {class: "muted", text: c.error}));
    src.append(pre);
  }
  const banner = S.applyAll ? el("p", {class: "banner", text: t("applyAll", d.identical)}) : null;
  pane.replaceChildren(...[head, banner, rowLine, extraLine, diff,
    el("h3", {text: t("evidence")}), evidenceList(d.evidence),
    el("h3", {text: t("candidates")}), cands, src].filter(Boolean));
}

async function decide(action, extra = {}) {
  const d = S.detail; if (!d) return;
  const body = {action, version: d.version, ...extra};
  if (S.applyAll && d.identical > 1) {
    const ok = await confirmModal(t("confirmAll", d.identical));
    if (!ok) return;
    body.identical = true; body.expected_count = d.identical;
  }
  const result = await api(`/api/items/${encodeURIComponent(d.id)}/decide`, body);
  S.applyAll = false;
  if (result.status === 409) { toast(t("conflict")); return load(d.id); }
  if (!result.ok) { toast(result.data.error || "error"); return; }
  toast(action === "edit" ? t("saved") : t("accepted"));
  const position = S.index;
  await load();
  if ($("f-status").value !== "open") S.index = Math.min(position + 1, S.items.length - 1);
  renderQueue(); await show();
}

function openModal(title, body, keys) {
  $("modal-title").textContent = title; $("modal-body").replaceChildren(body); $("modal-keys").textContent = keys;
  $("modal").hidden = false;
}
function closeModal() { $("modal").hidden = true; S.modal = null; }

function confirmModal(message) {
  return new Promise(resolve => {
    openModal(message, el("span"), t("confirmKeys"));
    S.modal = {kind: "confirm", done: v => { closeModal(); resolve(v); }};
  });
}

function editModal() {
  const d = S.detail; if (!d) return;
  const input = el("input", {type: "text", id: "edit-input", class: "edit", value: d.value ?? d.proposed ?? d.raw ?? ""});
  openModal(t("editTitle"), input, t("editKeys"));
  S.modal = {kind: "edit"};
  input.focus(); input.select();
  input.addEventListener("keydown", event => {
    if (event.key === "Enter") { event.preventDefault(); const value = input.value; closeModal(); run(() => decide("edit", {value})); }
    else if (event.key === "Escape") { event.preventDefault(); closeModal(); }
    event.stopPropagation();
  });
}

async function bulkModal() {
  const box = el("div");
  const input = el("input", {type: "number", id: "bulk-threshold", min: "0", max: "1", step: "0.05", value: "0.6"});
  const list = el("ol", {class: "preview"});
  const count = el("p");
  box.append(el("label", {}, t("bulkLabel") + " ", input), count, list);
  let rows = [];
  const refresh = async () => {
    const {data} = await api("/api/bulk-accept", {preview: true, min_confidence: Number(input.value), filter: filters()});
    rows = data.items; count.textContent = t("bulkCount", data.count);
    list.replaceChildren(...rows.slice(0, 30).map(r => el("li", {text: `${r.confidence.toFixed(2)}  ${r.raw} → ${r.value}`})));
  };
  openModal(t("bulkTitle"), box, t("confirmKeys"));
  S.modal = {kind: "bulk"};
  input.addEventListener("input", refresh);
  input.addEventListener("keydown", async event => {
    event.stopPropagation();
    if (event.key === "Escape") { event.preventDefault(); closeModal(); }
    if (event.key === "Enter") {
      event.preventDefault(); await refresh();
      await api("/api/bulk-accept", {preview: false, min_confidence: Number(input.value), filter: filters(),
        confirm: rows.map(r => ({id: r.id, version: r.version}))});
      closeModal(); await load();
    }
  });
  await refresh(); input.focus();
}

async function undo() {
  const result = await api("/api/undo", {});
  if (result.status === 409) { toast(t("conflict")); return load(); }
  const undone = result.data.undone || [];
  toast(undone.length ? `${t("undone")} (${undone.length})` : t("nothingUndo"));
  if (undone.length) await load(undone[0]);
}

async function exportBatch() {
  const result = await api("/api/export", {});
  toast(result.ok ? t("exported", result.data) : result.data.error);
}

// One action at a time: a key pressed while the last one is still talking to the server is
// dropped, so a fast clerk never decides on an item the screen no longer shows.
async function run(fn) {
  if (S.busy) return;
  S.busy = true; document.body.dataset.busy = "1";
  try { await fn(); } finally { S.busy = false; document.body.dataset.busy = "0"; }
}

async function move(step) { S.index = Math.max(0, Math.min(S.items.length - 1, S.index + step)); renderQueue(); await show(); }

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = t("lang"); $("keys").textContent = t("keys");
  if (S.progress) renderProgress();
}

function toggleLang() { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("jixiao-lang", lang); applyLang(); return show(); }

document.addEventListener("keydown", event => {
  if (S.modal) {
    if (S.modal.kind === "confirm" && (event.key === "Enter" || event.key === "Escape")) {
      event.preventDefault(); S.modal.done(event.key === "Enter");
    } else if (event.key === "Escape") { closeModal(); }
    return;
  }
  const target = event.target;
  if (target.matches("input, select, textarea")) { if (event.key === "Escape") target.blur(); return; }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  const handlers = {
    a: () => decide("accept"), x: () => decide("reject"), e: editModal, f: () => decide("flag"),
    " ": () => move(1), j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
    Backspace: undo, l: toggleLang, b: bulkModal, t: () => { window.location.assign("/teach"); },
    i: () => { S.applyAll = !S.applyAll; return show(); },
  };
  if (/^[1-9]$/.test(key) && S.detail && Number(key) <= S.detail.candidates.length) {
    event.preventDefault(); run(() => decide("candidate", {rank: Number(key)})); return;
  }
  if (handlers[key]) { event.preventDefault(); run(handlers[key]); }
});

$("filters").addEventListener("change", () => { S.index = 0; run(load); });
$("filters").addEventListener("submit", event => event.preventDefault());
$("lang").addEventListener("click", toggleLang);
$("export").addEventListener("click", exportBatch);
applyLang();
run(load);
