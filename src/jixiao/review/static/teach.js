// jixiao: the queue of tables not understood. Teach a header's column roles by keyboard. Plain JS, no build step.
"use strict";

// Like review.js: no token in the page; the HttpOnly cookie rides on same-origin requests.
const T = {
  zh: {title: "表格教学", lang: "English", tables: "张表", taught: "已学布局", empty: "没有未读懂的表格。",
    keys: "←/→ 选列 · 1–9/0 与字母 设角色 · Enter 保存 · Esc 放弃修改 · u 撤销保存 · j/k 上下 · [ ] 换表 · t 复核队列 · l 语言",
    header: "表头", role: "角色", decided: "依据", none: "（无字段）", rowsShown: "表头下的前几行",
    preview: "预览", records: n => `${n} 条记录`, noRecords: "没有记录", learned: "已学布局",
    notTaught: "此表头尚未教过", unsaved: "有未保存的修改", saved: "已保存", undone: "已撤销",
    nothingUndo: "没有可撤销的保存", conflict: "同事刚保存了此表头的布局，已刷新。", grid: "表",
    status_failed: "失败", status_partial: "部分读取", status_ok: "读取成功", by_header: "表头", by_cells: "单元格",
    "by_header+cells": "表头+单元格", by_learned: "已学", by_position: "位置", by_form: "格式",
    override: "覆盖表头", asPrinted: "原样（未能对齐到列）", line: "行", source: "来源"},
  en: {title: "Teach tables", lang: "中文", tables: "tables", taught: "layouts learned", empty: "No table left that jixiao did not understand.",
    keys: "←/→ column · 1–9/0 and letters set a role · Enter save · Esc discard · u undo save · j/k move · [ ] grid · t review queue · l language",
    header: "Header", role: "Role", decided: "Decided by", none: "(no field)", rowsShown: "The first rows under the header",
    preview: "Preview", records: n => `${n} records`, noRecords: "no records", learned: "Learned layout",
    notTaught: "This header has not been taught", unsaved: "unsaved changes", saved: "Saved", undone: "Undone",
    nothingUndo: "No saved layout to undo", conflict: "A colleague just saved a layout for this header; reloaded.",
    grid: "grid", status_failed: "failed", status_partial: "partial", status_ok: "read", by_header: "header", by_cells: "cells",
    "by_header+cells": "header+cells", by_learned: "learned", by_position: "position", by_form: "form",
    override: "overrides the header", asPrinted: "as printed (fits no column)", line: "line", source: "Source"},
};
// Role keys: digits for the columns every table has, letters for the rest; 0 is "no field".
const ROLE_KEYS = {"1": "level1", "2": "level2", "3": "level3", "4": "operator", "5": "target", "6": "unit",
  "7": "score", "8": "explanation", "9": "scoring_rule", "0": null, a: "actual", p: "points", d: "direction",
  r: "remark", v: "deviation", s: "standard", n: "project", c: "likelihood"};
const PREVIEW = ["row", "level1", "level2", "level3", "operator", "target", "unit", "score"];
let lang = localStorage.getItem("jixiao-lang") || "zh";
const t = (key, ...args) => { const v = T[lang][key]; return typeof v === "function" ? v(...args) : (v ?? key); };

const S = {tables: [], index: 0, view: null, grid: 0, col: 0, roles: {}, dirty: false, preview: null, labels: {}};

function toast(message) {
  const box = $("toast"); box.textContent = message; box.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

const label = role => role === null || role === undefined ? t("none") : (S.labels[role] || role);
const grid = () => (S.view && S.view.grids[S.grid]) || null;

async function loadQueue() {
  const {data} = await api("/api/tables");
  S.tables = data.tables; S.layouts = data.layouts;
  S.index = Math.max(0, Math.min(S.index, S.tables.length - 1));
  renderQueue();
  await loadTable();
}

function renderQueue() {
  const queue = $("queue"); queue.replaceChildren();
  $("progress").textContent = `${S.tables.length} ${t("tables")} · ${t("taught")} ${S.layouts ?? 0}`;
  S.tables.forEach((item, k) => {
    const row = el("button", {type: "button", class: "qi" + (k === S.index ? " current" : ""), tabindex: "-1",
      "data-id": item.id},
      el("span", {class: "conf", text: t("status_" + item.status)}), el("span", {class: "qmark", text: ""}),
      el("span", {class: "qraw", text: item.source.split("/").pop()}),
      el("span", {class: "qmeta", text: item.error || ""}));
    if (k === S.index) row.setAttribute("aria-current", "true");
    row.addEventListener("click", () => { S.index = k; renderQueue(); run(loadTable); });
    queue.append(row);
  });
  const current = queue.querySelector(".current");
  if (current) current.scrollIntoView({block: "nearest"});
}

async function loadTable(keepGrid) {
  const item = S.tables[S.index];
  if (!item) { S.view = null; $("table").replaceChildren(el("p", {class: "muted", text: t("empty")})); return; }
  const {ok, data} = await api(`/api/tables/${encodeURIComponent(item.id)}`);
  if (!ok) { S.view = null; $("table").replaceChildren(el("p", {class: "muted", text: data.error || "error"})); return; }
  S.view = data;
  S.labels = Object.fromEntries(data.roles.map(r => [r.role, r.label]));
  if (!keepGrid) S.grid = Math.max(0, data.grids.findIndex(g => g.columns.length > 0));
  resetRoles();
  await refreshPreview();
}

function resetRoles() {
  const g = grid();
  S.roles = {}; S.dirty = false; S.col = Math.min(S.col, Math.max(0, (g ? g.columns.length : 1) - 1));
  if (!g) return;
  for (const c of g.columns) S.roles[c.index] = c.role;
  if (g.learned) for (const [k, role] of Object.entries(g.learned.roles)) S.roles[Number(k)] = role;
}

async function refreshPreview() {
  const g = grid();
  S.preview = null;
  if (g && g.columns.length) {
    const {ok, data} = await api(`/api/tables/${encodeURIComponent(S.view.id)}/preview`, {grid: S.grid, roles: S.roles});
    S.preview = ok ? data : {status: "failed", error: data.error, records: []};
  }
  render();
}

function roleCell(c) {
  const role = S.roles[c.index];
  const changed = role !== c.role;
  const th = el("th", {class: "role" + (c.index === S.col ? " focus" : "") + (changed ? " changed" : ""),
    "data-col": c.index, "data-role": role ?? ""}, label(role));
  if (changed && c.role !== null && (c.decided_by === "header" || c.decided_by === "header+cells"))
    th.append(el("small", {class: "override", text: ` · ${t("override")}`}));
  return th;
}

function gridTable(g) {
  const width = g.columns.length;
  const table = el("table", {class: "teachgrid", id: "teachgrid"});
  table.append(el("tr", {}, el("th", {class: "rh", text: t("role")}), ...g.columns.map(roleCell)));
  table.append(el("tr", {class: "hdr"}, el("th", {class: "rh", text: t("header")}),
    ...g.columns.map(c => el("th", {class: c.index === S.col ? "focus" : "", text: c.header || "—"}))));
  table.append(el("tr", {class: "how"}, el("th", {class: "rh", text: t("decided")}),
    ...g.columns.map(c => el("td", {class: c.index === S.col ? "focus" : "", title: c.note || "",
      text: t("by_" + c.decided_by) + (c.note ? " ⓘ" : "")}))));
  for (const row of g.rows) {
    const head = el("th", {class: "rh ln", text: row.line ?? ""});
    if (row.fits || row.cells.length === width) {
      table.append(el("tr", {class: row.fits ? "" : "raw"}, head,
        ...row.cells.map((text, k) => el("td", {class: k === S.col ? "focus" : "", text}))));
    } else {
      table.append(el("tr", {class: "raw"}, head, el("td", {colspan: width, text: row.cells.join(" │ ")})));
    }
  }
  return table;
}

function legend() {
  const known = new Set(S.view.roles.map(r => r.role));
  const items = Object.entries(ROLE_KEYS).filter(([, role]) => role === null || known.has(role));
  return el("p", {class: "legend"}, ...items.map(([key, role]) =>
    el("span", {class: "lk"}, el("kbd", {text: key}), ` ${label(role)}`)));
}

function previewBlock() {
  const p = S.preview;
  if (!p) return null;
  const box = el("div", {class: "preview-box", id: "preview", "data-status": p.status, "data-count": p.records.length});
  box.append(el("h3", {text: `${t("preview")}: ${p.records.length ? t("records", p.records.length) : t("noRecords")}`
    + ` · ${t("status_" + p.status) || p.status}`}));
  if (p.error) box.append(el("p", {class: "problem", text: p.error}));
  if (p.records.length) {
    const table = el("table", {class: "records"});
    table.append(el("tr", {}, ...PREVIEW.map(name => el("th", {text: name === "row" ? "#" : label(name)}))));
    for (const r of p.records.slice(0, 30))
      table.append(el("tr", {}, ...PREVIEW.map(name => el("td", {text: r[name] ?? "/"}))));
    box.append(table);
  }
  return box;
}

function render() {
  const pane = $("table");
  const v = S.view; if (!v) return;
  const g = grid();
  const head = el("div", {class: "ihead"}, el("span", {class: "dept", text: v.source}),
    el("span", {class: "badge", text: t("status_" + v.status)}),
    v.grids.length > 1 ? el("span", {class: "muted", text: `${t("grid")} ${S.grid + 1}/${v.grids.length}`
      + (g && g.name ? ` · ${g.name}` : "")}) : null);
  const parts = [head, el("p", {class: "problem", text: (g && g.problem) || v.problem || v.error || ""})];
  if (g && g.columns.length) {
    const taught = g.learned ? `${t("learned")}: ${g.learned.name} · ${g.learned.reviewer || ""} · ${g.learned.decided_at || ""}`
      : t("notTaught");
    parts.push(el("p", {class: "state", id: "teach-state", "data-dirty": S.dirty ? "1" : "0"},
      taught, S.dirty ? el("strong", {text: ` · ${t("unsaved")}`}) : null));
    parts.push(el("h3", {text: `${t("rowsShown")} (${t("line")} ${g.header_line ?? "—"}, ${g.form})`}));
    parts.push(el("div", {class: "gridwrap"}, gridTable(g)), legend(), previewBlock());
  }
  pane.replaceChildren(...parts.filter(Boolean));
  const focused = pane.querySelector("th.role.focus");
  if (focused) focused.scrollIntoView({block: "nearest", inline: "nearest"});
}

async function setRole(role) {
  const g = grid(); if (!g || !g.columns.length) return;
  S.roles[S.col] = role; S.dirty = true;
  await refreshPreview();
}

async function save() {
  const g = grid(); if (!g || !g.columns.length) return;
  const result = await api(`/api/tables/${encodeURIComponent(S.view.id)}/save`,
    {grid: S.grid, roles: S.roles, version: g.version});
  if (result.status === 409) { toast(t("conflict")); return loadTable(true); }
  if (!result.ok) { toast(result.data.error || "error"); return; }
  toast(t("saved"));
  S.layouts = (S.layouts || 0) + (g.learned ? 0 : 1);
  renderQueue();
  await loadTable(true);
}

async function undo() {
  const result = await api("/api/layouts/undo", {});
  if (result.status === 409) { toast(t("conflict")); return loadQueue(); }
  toast(result.data.undone ? t("undone") : t("nothingUndo"));
  if (result.data.undone) await loadQueue();
}

async function discard() { resetRoles(); await refreshPreview(); }

async function moveTable(step) {
  S.index = Math.max(0, Math.min(S.tables.length - 1, S.index + step)); S.col = 0;
  renderQueue(); await loadTable();
}

async function moveGrid(step) {
  if (!S.view) return;
  S.grid = Math.max(0, Math.min(S.view.grids.length - 1, S.grid + step)); S.col = 0;
  resetRoles(); await refreshPreview();
}

function moveColumn(step) {
  const g = grid(); if (!g) return;
  S.col = Math.max(0, Math.min(g.columns.length - 1, S.col + step)); render();
}

// One action at a time (as in review.js): a key pressed while the last one is still talking to the
// server is dropped, so the screen never shows a preview of a mapping other than the one on it.
async function run(fn) {
  if (S.busy) return;
  S.busy = true; document.body.dataset.busy = "1";
  try { await fn(); } finally { S.busy = false; document.body.dataset.busy = "0"; }
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = t("lang"); $("keys").textContent = t("keys");
}

function toggleLang() { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("jixiao-lang", lang); applyLang(); renderQueue(); render(); }

document.addEventListener("keydown", event => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  const handlers = {
    ArrowLeft: () => moveColumn(-1), ArrowRight: () => moveColumn(1), Enter: save, Escape: discard, u: undo,
    j: () => moveTable(1), ArrowDown: () => moveTable(1), k: () => moveTable(-1), ArrowUp: () => moveTable(-1),
    "[": () => moveGrid(-1), "]": () => moveGrid(1), l: toggleLang,
    t: () => { window.location.assign("/"); },
  };
  if (Object.prototype.hasOwnProperty.call(ROLE_KEYS, key)) {
    event.preventDefault(); run(() => setRole(ROLE_KEYS[key])); return;
  }
  if (handlers[key]) { event.preventDefault(); run(async () => handlers[key]()); }
});

$("lang").addEventListener("click", toggleLang);
applyLang();
run(loadQueue);
