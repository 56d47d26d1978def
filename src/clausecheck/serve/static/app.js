// The page of `clausecheck serve`: uploads, the side to review for, progress, the result, the history.
// Everything the contract says is put into the page as text (textContent), never as HTML.
"use strict";

const DATA = JSON.parse(document.getElementById("page-data").textContent);
const S = DATA.strings;
const BUSY = new Set(["uploaded", "reading", "checking"]);
const POLL_MS = 500;
const SHOWN_FINDINGS = 12;
const cards = new Map(); // entry id (or a local key while uploading) -> card

function t(key, values) {
  let text = S[key] !== undefined ? S[key] : key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split("{" + name + "}").join(String(value));
  }
  return text;
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function api(method, url, body) {
  const headers = { "X-Clausecheck-Token": DATA.token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch (error) {
    throw new ApiError(null, S.error_network);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const problem = (data && data.error) || { code: "E300", message: response.statusText };
    throw new ApiError(problem.code, problem.message);
  }
  return data;
}

function errorBox(code, message) {
  const description = code && S.codes[code] ? S.codes[code] : "";
  return el("div", { className: "error-box", role: "alert" },
    el("b", { className: "code", text: code ? "[" + code + "]" : t("error") }), " ",
    description ? el("span", { className: "description", text: description }) : null,
    message ? el("span", { className: "detail", text: message }) : null);
}

function formatSize(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  return Math.max(1, Math.round(bytes / 1024)) + " KB";
}

// ------------------------------------------------------------------ cards

function newCard(key, name, size) {
  const node = el("article", { className: "card", "data-entry": key });
  const card = { key, name, size, node, entry: null, signature: "", localError: null, progress: null };
  cards.set(key, card);
  document.getElementById("cards").append(node);
  render(card);
  return card;
}

function stageText(entry) {
  if (entry.state === "checking" || entry.state === "reading" || entry.state === "uploaded") {
    if (entry.stage === "queued") return t("state_queued", { position: entry.position || 0 });
    if (entry.stage && S["state_" + entry.stage]) return t("state_" + entry.stage);
    return t(entry.state === "checking" ? "state_checking" : "state_reading");
  }
  return t("state_" + entry.state);
}

function render(card) {
  const entry = card.entry;
  const signature = JSON.stringify([entry && entry.state, entry && entry.stage, entry && entry.position, entry && entry.checked_at, card.localError, card.progress]);
  if (signature === card.signature) return;
  card.signature = signature;
  const keep = readChoices(card);
  const node = card.node;
  node.replaceChildren();
  node.className = "card state-" + (card.localError ? "failed" : entry ? entry.state : "uploading");

  const remove = el("button", { type: "button", className: "button quiet remove", text: entry ? S.remove : S.cancel });
  // A file refused before it was stored has nothing to delete on the server: the card just goes.
  remove.addEventListener("click", () => (entry ? confirmDelete(card, remove) : dismiss(card)));
  node.append(el("header", {},
    el("h3", { className: "file-name", text: entry ? entry.name : card.name, dir: "auto" }),
    el("span", { className: "size", text: formatSize(entry ? entry.size : card.size) }),
    entry || card.localError ? remove : null));

  if (card.localError) {
    node.append(errorBox(card.localError.code, card.localError.message));
    return;
  }
  if (!entry) {
    const percent = card.progress === null ? null : Math.round(card.progress * 100);
    node.append(el("p", { className: "status busy" }, el("span", { className: "spinner", "aria-hidden": "true" }), t("state_uploading") + (percent === null ? "" : " " + percent + " %")));
    node.append(el("progress", { max: "100", value: percent === null ? null : String(percent) }));
    return;
  }
  const busy = BUSY.has(entry.state);
  node.append(el("p", { className: "status" + (busy ? " busy" : ""), role: "status" },
    busy ? el("span", { className: "spinner", "aria-hidden": "true" }) : null, stageText(entry)));
  if (busy) node.append(el("progress", {}));
  if (entry.error) node.append(errorBox(entry.error.code, entry.error.message));
  if (entry.warnings && entry.warnings.length) {
    const warnings = el("ul", { className: "warnings", "aria-label": S.warnings });
    for (const warning of entry.warnings) warnings.append(el("li", {}, el("b", { text: "[" + warning.code + "]" }), " ", warning.message));
    node.append(warnings);
  }
  const readable = entry.state === "ready" || entry.state === "done" || (entry.state === "failed" && entry.language);
  if (readable) node.append(choices(card, keep));
  if (entry.state === "done") node.append(result(entry));
}

function readChoices(card) {
  const form = card.node.querySelector("form.choices");
  if (!form) return null;
  return { party: form.elements.party.value, contract_type: form.elements.contract_type.value, memo_language: form.elements.memo_language.value };
}

function choices(card, keep) {
  const entry = card.entry;
  const chosen = keep || entry.options || {};
  const form = el("form", { className: "choices" });
  const party = el("select", { name: "party", "aria-label": S.side });
  party.append(el("option", { value: "", text: S.side_neutral }));
  for (const found of entry.parties) {
    party.append(el("option", { value: found.names[0], text: found.names.join(" / "), selected: chosen.party === found.names[0] }));
  }
  const type = el("select", { name: "contract_type", "aria-label": S.contract_type });
  type.append(el("option", { value: "", text: S.type_auto }));
  for (const known of DATA.contract_types) type.append(el("option", { value: known.id, text: known.name, selected: chosen.contract_type === known.id }));
  const memo = el("select", { name: "memo_language", "aria-label": S.memo_language });
  memo.append(el("option", { value: "", text: S.memo_auto }));
  for (const language of ["ja", "en"]) memo.append(el("option", { value: language, text: S["language_" + language], selected: chosen.memo_language === language }));
  const button = el("button", { type: "submit", className: "button primary check", text: entry.state === "done" ? S.check_again : S.check });
  form.append(
    el("label", {}, el("span", { text: S.side }), party),
    el("label", {}, el("span", { text: S.contract_type }), type),
    el("label", {}, el("span", { text: S.memo_language }), memo),
    button);
  if (!entry.parties.length) form.append(el("p", { className: "hint", text: S.no_parties }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startCheck(card);
  });
  return form;
}

// The sentence for `count` things: the key's `_one` form for exactly one, where the strings have it.
function counted(key, count, values) {
  return t(count === 1 && S[key + "_one"] !== undefined ? key + "_one" : key, values);
}

function verdictLines(result) {
  const summary = result.summary;
  const lines = [];
  if (summary.high) lines.push(counted("verdict_high", summary.high, summary));
  else if (summary.medium) lines.push(counted("verdict_medium", summary.medium, summary));
  else if (summary.low) lines.push(t("verdict_low", summary));
  else lines.push(t("verdict_none", summary));
  if (summary.missing) lines.push(counted("verdict_missing", summary.missing, summary));
  return lines;
}

function result(entry) {
  const outcome = entry.result;
  const box = el("section", { className: "result" });
  const level = outcome.summary.high ? "high" : outcome.summary.medium ? "medium" : outcome.summary.low ? "low" : "none";
  box.append(el("h4", { text: S.verdict }));
  const verdict = el("div", { className: "verdict level-" + level, "data-testid": "verdict" });
  for (const line of verdictLines(outcome)) verdict.append(el("p", { text: line }));
  const perspective = entry.options && entry.options.party;
  verdict.append(el("p", { className: "perspective", text: perspective ? t("reviewed_for", { party: perspective }) : S.reviewed_neutral }));
  box.append(verdict);
  const counts = el("div", { className: "counts" });
  for (const severity of ["high", "medium", "low", "info", "missing"]) {
    counts.append(el("div", { className: "count " + severity + (outcome.summary[severity] ? "" : " zero") },
      el("b", { text: String(outcome.summary[severity]) }), el("span", { text: S[severity] })));
  }
  box.append(counts);
  box.append(el("h4", { text: S.findings }));
  const shown = outcome.findings.filter((finding) => finding.kind !== "note").slice(0, SHOWN_FINDINGS);
  if (!shown.length) box.append(el("p", { className: "empty", text: S.no_findings }));
  const list = el("ul", { className: "findings" });
  for (const finding of shown) {
    list.append(el("li", { className: "finding" },
      el("span", { className: "badge " + (finding.kind === "missing" ? "missing" : finding.severity), text: finding.kind === "missing" ? S.missing : S[finding.severity] }),
      el("span", { className: "finding-title", text: finding.title, dir: "auto" }),
      finding.clause ? el("span", { className: "clause", text: finding.clause, dir: "auto" }) : null));
  }
  box.append(list);
  const notShown = outcome.findings.filter((finding) => finding.kind !== "note").length - shown.length;
  if (notShown > 0) box.append(el("p", { className: "hint", text: t("more_findings", { count: notShown }) }));
  box.append(el("h4", { text: S.downloads }));
  const downloads = el("ul", { className: "downloads" });
  for (const format of DATA.formats) {
    if (!outcome.formats[format]) continue;
    downloads.append(el("li", {}, el("a", {
      className: "button download", href: "/entries/" + entry.id + "/download/" + format, download: outcome.formats[format],
      "data-format": format, text: S["format_" + format] || format.toUpperCase(),
    })));
  }
  box.append(downloads);
  if (outcome.formats.html) {
    box.append(el("h4", { text: S.memo_heading }));
    box.append(el("iframe", { className: "memo", src: "/entries/" + entry.id + "/memo?v=" + entry.checked_at, title: S.memo_heading, sandbox: "" }));
  }
  return box;
}

function dismiss(card) {
  card.node.remove();
  cards.delete(card.key);
}

function confirmDelete(card, button) {
  const bar = el("div", { className: "confirm", role: "alertdialog" });
  const yes = el("button", { type: "button", className: "button danger", text: S.remove });
  const no = el("button", { type: "button", className: "button quiet", text: S.cancel });
  bar.append(el("span", { text: t("confirm_delete", { name: card.entry.name }) }), yes, no);
  no.addEventListener("click", () => bar.remove());
  yes.addEventListener("click", () => removeEntry(card.entry.id, card.entry.name));
  button.closest("header").after(bar);
}

async function removeEntry(id, name) {
  try {
    await api("DELETE", "/api/entries/" + id);
  } catch (error) {
    notice(errorBox(error.code, error.message));
    return;
  }
  const card = cards.get(id);
  if (card) {
    card.node.remove();
    cards.delete(id);
  }
  notice(document.createTextNode(t("deleted", { name })));
  refreshHistory();
  updateCheckAll();
}

function notice(content) {
  const box = document.getElementById("notice");
  box.replaceChildren(content);
  box.hidden = false;
}

// ------------------------------------------------------------------ uploads and checks

function upload(file) {
  const key = "local-" + Math.random().toString(36).slice(2);
  const card = newCard(key, file.name, file.size);
  if (file.size > DATA.max_bytes) {
    card.localError = { code: "E109", message: t("accepted", { mb: Math.floor(DATA.max_bytes / 1048576) }) };
    render(card);
    return;
  }
  const request = new XMLHttpRequest();
  request.open("POST", "/api/uploads");
  request.setRequestHeader("X-Clausecheck-Token", DATA.token);
  request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
  request.setRequestHeader("Content-Type", "application/octet-stream");
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) {
      card.progress = event.loaded / event.total;
      render(card);
    }
  });
  request.addEventListener("load", () => {
    let data = null;
    try {
      data = JSON.parse(request.responseText);
    } catch (error) {
      data = null;
    }
    if (request.status === 201 && data) {
      cards.delete(key);
      card.key = data.id;
      card.entry = data;
      card.node.setAttribute("data-entry", data.id);
      cards.set(data.id, card);
      render(card);
      refreshHistory();
      schedulePoll();
    } else {
      const problem = (data && data.error) || { code: "E300", message: request.statusText };
      card.localError = problem;
      render(card);
    }
  });
  request.addEventListener("error", () => {
    card.localError = { code: null, message: S.error_network };
    render(card);
  });
  request.send(file);
}

async function startCheck(card) {
  const choice = readChoices(card) || {};
  try {
    card.entry = await api("POST", "/api/entries/" + card.entry.id + "/check", choice);
    card.localError = null;
  } catch (error) {
    card.localError = { code: error.code, message: error.message };
  }
  render(card);
  updateCheckAll();
  schedulePoll();
}

let pollTimer = null;
function schedulePoll() {
  if (pollTimer === null) pollTimer = setTimeout(poll, POLL_MS);
}

async function poll() {
  pollTimer = null;
  let finished = false;
  let waiting = false;
  for (const card of [...cards.values()]) {
    if (!card.entry || !BUSY.has(card.entry.state)) continue;
    try {
      const entry = await api("GET", "/api/entries/" + card.entry.id);
      if (!BUSY.has(entry.state)) finished = true;
      card.entry = entry;
      waiting = waiting || BUSY.has(entry.state);
    } catch (error) {
      if (error.code === "E101") {
        card.node.remove();
        cards.delete(card.key);
        continue;
      }
      waiting = true;
    }
    render(card);
  }
  if (finished) refreshHistory();
  updateCheckAll();
  if (waiting) schedulePoll();
}

function updateCheckAll() {
  const ready = [...cards.values()].filter((card) => card.entry && card.entry.state === "ready");
  document.getElementById("check-all").hidden = ready.length < 2;
}

// ------------------------------------------------------------------ history

function historyResult(entry) {
  if (entry.state === "done") {
    const summary = entry.result.summary;
    return ["high", "medium", "low", "missing"].map((severity) => S[severity] + " " + summary[severity]).join(" · ");
  }
  if (entry.state === "failed" && entry.error) return "[" + entry.error.code + "] " + (S.codes[entry.error.code] || "");
  return stageText(entry);
}

async function refreshHistory() {
  const query = document.getElementById("search").value;
  let data;
  try {
    data = await api("GET", "/api/entries?q=" + encodeURIComponent(query));
  } catch (error) {
    notice(errorBox(error.code, error.message));
    return;
  }
  const rows = document.getElementById("history-rows");
  rows.replaceChildren();
  for (const entry of data.entries) {
    const show = el("button", { type: "button", className: "button quiet", text: S.show });
    show.addEventListener("click", () => showEntry(entry));
    const remove = el("button", { type: "button", className: "button quiet danger-text", text: S.remove });
    remove.addEventListener("click", () => {
      const row = remove.closest("tr");
      const bar = el("td", { colspan: "4", className: "confirm" });
      const yes = el("button", { type: "button", className: "button danger", text: S.remove });
      const no = el("button", { type: "button", className: "button quiet", text: S.cancel });
      bar.append(el("span", { text: t("confirm_delete", { name: entry.name }) }), yes, no);
      const confirmRow = el("tr", { className: "confirm-row" }, bar);
      row.after(confirmRow);
      no.addEventListener("click", () => confirmRow.remove());
      yes.addEventListener("click", () => removeEntry(entry.id, entry.name));
    });
    const when = new Date(entry.uploaded_at * 1000).toLocaleString(DATA.lang === "ja" ? "ja-JP" : "en-GB");
    rows.append(el("tr", { "data-entry": entry.id },
      el("td", { className: "file-name", text: entry.name, dir: "auto" }),
      el("td", { text: when }),
      el("td", { className: "state-" + entry.state, text: historyResult(entry) }),
      el("td", { className: "actions" }, show, remove)));
  }
  const empty = document.getElementById("history-empty");
  empty.textContent = query ? S.history_none_found : S.history_empty;
  empty.hidden = data.entries.length > 0;
  document.getElementById("history-table").hidden = data.entries.length === 0;
}

function showEntry(entry) {
  let card = cards.get(entry.id);
  if (!card) {
    card = newCard(entry.id, entry.name, entry.size);
    card.entry = entry;
    render(card);
  }
  card.node.scrollIntoView({ behavior: "smooth", block: "start" });
  if (BUSY.has(entry.state)) schedulePoll();
}

// ------------------------------------------------------------------ wiring

function addFiles(files) {
  for (const file of files) upload(file);
}

document.getElementById("file-input").addEventListener("change", (event) => {
  addFiles([...event.target.files]);
  event.target.value = "";
});
const zone = document.getElementById("drop-zone");
zone.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.classList.add("over");
});
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("over");
  addFiles([...event.dataTransfer.files]);
});
// A file dropped beside the zone must not make the browser navigate away from the page.
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => event.preventDefault());
document.getElementById("check-all").addEventListener("click", () => {
  for (const card of cards.values()) if (card.entry && card.entry.state === "ready") startCheck(card);
});
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  refreshHistory();
});
refreshHistory();
