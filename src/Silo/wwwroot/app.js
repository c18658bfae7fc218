// FaceGrains web page: plain JS over the REST API (JSON in snake_case, errors as RFC 9457 problem documents).
"use strict";

const KEY_HEADER = "X-API-Key"; // ApiRoles.KeyHeader
const KEY_STORAGE = "facegrains.api_key";
const $ = (id) => document.getElementById(id);

// ---------- API calls and problems ----------

class ApiProblem extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

function apiKey() { return sessionStorage.getItem(KEY_STORAGE) || ""; }

async function api(method, path, body) {
  const headers = {};
  const key = apiKey();
  if (key) headers[KEY_HEADER] = key;
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (e) {
    throw new ApiProblem(0, { title: "The silo did not answer", detail: `${method} ${path}: ${e.message}` });
  }
  if (response.ok) return response;
  let problem = {};
  const text = await response.text();
  try { problem = text ? JSON.parse(text) : {}; } catch { problem = { detail: text.slice(0, 500) }; }
  if (typeof problem !== "object" || problem === null) problem = { detail: String(problem) };
  problem.title ||= response.statusText || `HTTP ${response.status}`;
  throw new ApiProblem(response.status, problem, response.headers.get("Retry-After"));
}

async function apiJson(method, path, body) {
  const response = await api(method, path, body);
  return response.status === 204 ? null : response.json();
}

// What each status means for the person at the page (the problem's own title and detail follow).
function hintFor(status, retryAfter) {
  const retry = retryAfter ? ` Retry after ${retryAfter} s.` : "";
  switch (status) {
    case 0: return "Check that the silo is running and reachable.";
    case 400: return "The request was refused as it stands; see the detail.";
    case 401: return "An API key is needed: enter one in the API key field above.";
    case 403: return "The key given may not do this: an admin key is needed.";
    case 404: return "Not found (it may have been removed meanwhile).";
    case 409: return "Conflict with the gallery's or the model registry's current state.";
    case 413: return "The upload is too large for the silo (FaceGrains:MaxRequestBytes): send fewer or smaller images.";
    case 414: case 431: return "The request's address or headers are too long.";
    case 415: return "The silo expects images as multipart/form-data.";
    case 422: return "No image could be used.";
    case 429: return "Too many requests: wait a moment." + retry;
    case 503: return "The cluster is unavailable or busy: try again shortly." + retry;
    default: return status >= 500 ? "The silo failed to answer this request." : "";
  }
}

// withItems: list the problem's per-image faces / answers in the box (false where the section shows them itself).
function showProblem(box, error, withItems = true) {
  box.replaceChildren();
  box.hidden = false;
  if (!(error instanceof ApiProblem)) {
    box.append(el("strong", {}, "Something went wrong in the page"), el("p", {}, String(error && error.message || error)));
    return;
  }
  const p = error.problem;
  box.dataset.status = String(error.status);
  box.append(
    el("strong", { className: "problem-title" }, `${error.status ? error.status + " " : ""}${p.title}`),
    el("p", { className: "problem-detail" }, p.detail || ""),
    el("p", { className: "problem-hint muted" }, hintFor(error.status, error.retryAfter)));
  const items = (p.faces || []).map((f) => `${f.file_name || "#" + f.index}: ${f.status}: ${f.message}`)
    .concat((p.answers || []).map((a) => `${a.file_name || "#" + a.probe_index}: ${a.rejection ? a.rejection.status + ": " + a.rejection.message : "usable"}`));
  if (withItems && items.length) box.append(el("ul", {}, ...items.map((t) => el("li", {}, t))));
}

function clearProblem(box) { box.hidden = true; box.replaceChildren(); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// Images need the key header too, so they are fetched and shown as object URLs.
async function loadImage(img, path) {
  try {
    const blob = await (await api("GET", path)).blob();
    if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
  } catch (e) {
    img.alt = e instanceof ApiProblem ? `${e.status} ${e.problem.title}` : "no image";
    img.title = e.message;
  }
}

const facePath = (id, faceId, what) => `/identities/${encodeURIComponent(id)}/faces/${encodeURIComponent(faceId)}${what ? "/" + what : ""}`;
const pct = (x) => (x === null || x === undefined) ? "—" : `${(x * 100).toFixed(2)} %`;
const num = (x, d = 4) => (x === null || x === undefined) ? "—" : Number(x).toFixed(d);
const short = (v) => (v || "").slice(0, 12);
const rate = (x) => (x === null || x === undefined) ? "—" : Number(x).toPrecision(3);

async function busy(button, work) {
  button.disabled = true;
  try { return await work(); } finally { button.disabled = false; }
}

// ---------- header: key, health, tabs ----------

function showKeyState() {
  $("key-state").textContent = apiKey() ? "a key is set for this tab" : "no key";
  $("api-key").value = apiKey();
}

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = $("api-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
  showKeyState();
  refreshHealth();
});
$("key-clear").addEventListener("click", () => { sessionStorage.removeItem(KEY_STORAGE); showKeyState(); refreshHealth(); });

let health = null;
async function refreshHealth() {
  try {
    health = await apiJson("GET", "/health");
    const op = health.identify;
    $("health").textContent = `${health.state} · ${health.profile} · model ${health.model_name} ${short(health.model_version)} · ` +
      `identify at target FPIR ${op.target_fpir ?? "—"}, N = ${op.gallery_size}: threshold ${num(op.threshold)} (${op.source})` +
      (health.problems && health.problems.length ? ` · ${health.problems.join("; ")}` : "");
  } catch (e) {
    health = null;
    $("health").textContent = e instanceof ApiProblem ? `/health: ${e.status} ${e.problem.title}. ${hintFor(e.status, e.retryAfter)}` : String(e);
  }
}

const tabs = ["enrol", "identify", "gallery", "models"];
function showTab() {
  const name = tabs.includes(location.hash.slice(1)) ? location.hash.slice(1) : "enrol";
  for (const t of tabs) {
    $(t).hidden = t !== name;
    document.querySelector(`nav a[data-tab=${t}]`).classList.toggle("current", t === name);
  }
  if (name === "gallery") loadGallery();
  if (name === "models") loadModels();
  if (name !== "models") stopMigrationPolling();
  refreshHealth();
}
window.addEventListener("hashchange", showTab);

// ---------- Enrol ----------

const picked = []; // { file, url }

function addPicked(files) {
  for (const file of files) picked.push({ file, url: URL.createObjectURL(file) });
  renderPicked();
}

function renderPicked() {
  $("enrol-picked").replaceChildren(...picked.map((p, i) => {
    const remove = el("button", { type: "button", title: "Remove", ariaLabel: `Remove ${p.file.name}` }, "×");
    remove.addEventListener("click", () => { URL.revokeObjectURL(p.url); picked.splice(i, 1); renderPicked(); });
    const img = el("img", { src: p.url, alt: p.file.name, title: p.file.name });
    img.addEventListener("error", () => img.replaceWith(el("span", { className: "not-image", title: p.file.name }, p.file.name)), { once: true });
    return el("li", {}, img, remove);
  }));
}

$("enrol-files").addEventListener("change", (e) => { addPicked(e.target.files); e.target.value = ""; });
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); addPicked(e.dataTransfer.files); });

// The camera, where the browser offers one (getUserMedia needs a secure context: https or localhost).
let stream = null;
if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function") $("camera-start").hidden = false;
$("camera-start").addEventListener("click", async () => {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
    $("camera-video").srcObject = stream;
    $("camera").hidden = false;
  } catch (e) {
    showProblem($("enrol-problem"), new ApiProblem(0, { title: "No camera", detail: `The browser gave no camera: ${e.message}` }));
  }
});
function stopCamera() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  $("camera").hidden = true;
}
$("camera-stop").addEventListener("click", stopCamera);
$("camera-capture").addEventListener("click", () => {
  const video = $("camera-video");
  const canvas = el("canvas", { width: video.videoWidth, height: video.videoHeight });
  canvas.getContext("2d").drawImage(video, 0, 0);
  canvas.toBlob((blob) => addPicked([new File([blob], `camera-${Date.now()}.png`, { type: "image/png" })]), "image/png");
});

$("enrol-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const problem = $("enrol-problem");
  clearProblem(problem);
  const id = $("enrol-id").value;
  if (picked.length === 0) {
    showProblem(problem, new ApiProblem(0, { title: "No photos", detail: "Choose, drop or capture at least one photo." }));
    return;
  }
  const form = new FormData();
  const name = $("enrol-name").value.trim();
  if (name) form.append("display_name", name);
  for (const p of picked) form.append("f", p.file, p.file.name);
  const aligned = $("enrol-aligned").checked ? "?aligned=true" : "";
  busy($("enrol-submit"), async () => {
    $("enrol-result").replaceChildren();
    try {
      const result = await apiJson("POST", `/identities/${encodeURIComponent(id)}/faces${aligned}`, form);
      renderOutcomes(result.identity_id, result.faces);
      picked.splice(0).forEach((p) => URL.revokeObjectURL(p.url));
      renderPicked();
      refreshHealth();
    } catch (err) {
      const faces = err instanceof ApiProblem && err.problem.faces;
      showProblem(problem, err, !faces);
      if (faces) renderOutcomes(err.problem.identity_id, faces);
    }
  });
});

function renderOutcomes(identityId, faces) {
  $("enrol-result").replaceChildren(...faces.map((f) => {
    const enrolled = f.status === "accepted" || f.status === "duplicate";
    const img = el("img", { alt: enrolled ? "aligned face chip" : "" });
    if (enrolled && f.face_id) loadImage(img, facePath(identityId, f.face_id, "chip")); else img.style.visibility = "hidden";
    const warnings = (f.warnings || []).length ? ` (${f.warnings.join(", ")})` : "";
    return el("li", { className: "outcome" }, img, el("div", {},
      el("span", { className: `status ${enrolled ? f.status : "rejected"}` }, f.status), " ",
      el("span", {}, f.file_name || `#${f.index}`),
      el("p", { className: "muted" }, f.message + warnings)));
  }));
}

// ---------- Identify ----------

let identities = new Map(); // id -> display name, for labels
// The display names of the identities an answer names (answered and candidates), read one by one and kept.
async function loadDisplayNames(answer) {
  const ids = new Set();
  for (const f of answer?.faces || []) {
    if (f.identity_id) ids.add(f.identity_id);
    for (const c of f.candidates || []) ids.add(c.identity_id);
  }
  await Promise.all([...ids].filter((id) => !identities.has(id)).slice(0, 64).map(async (id) => {
    try {
      identities.set(id, (await apiJson("GET", `/identities/${encodeURIComponent(id)}`)).display_name);
    } catch { /* the label falls back to the id */ }
  }));
}

function nameOf(id) {
  const name = identities.get(id);
  return name && name !== id ? `${name} (${id})` : id;
}

$("identify-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const problem = $("identify-problem");
  clearProblem(problem);
  const file = $("identify-file").files[0];
  if (!file) return;
  const query = new URLSearchParams();
  if ($("identify-fpir").value.trim()) query.set("target_fpir", $("identify-fpir").value.trim());
  if ($("identify-threshold").value.trim()) query.set("threshold", $("identify-threshold").value.trim());
  if ($("identify-candidates").value.trim()) query.set("candidates", $("identify-candidates").value.trim());
  if ($("identify-aligned").checked) query.set("aligned", "true");
  const form = new FormData();
  form.append("p", file, file.name);
  busy($("identify-submit"), async () => {
    $("identify-faces").replaceChildren();
    $("identify-operating").textContent = "";
    $("identify-canvas").hidden = true;
    try {
      const [body] = await Promise.all([apiJson("POST", `/identify${query.size ? "?" + query : ""}`, form), refreshHealth()]);
      await loadDisplayNames(body.answers[0]);
      await renderIdentify(file, body.answers[0]);
    } catch (err) {
      showProblem(problem, err);
    }
  });
});

async function renderIdentify(file, answer) {
  const t = answer.threshold;
  const op = health && health.identify;
  $("identify-operating").textContent = t
    ? `Operating point: threshold ${num(t.threshold)} (source: ${t.source}), target FPIR ${t.target_fpir ?? "—"}` +
      `, gallery N = ${t.gallery_size}, expected FPIR ${rate(t.expected_fpir)}; model ${short(answer.model_version)}. ${t.reason}` +
      (op ? ` · Silo default now: threshold ${num(op.threshold)} (${op.source}) at target FPIR ${op.target_fpir ?? "—"}.` : "")
    : "";
  if (answer.rejection) {
    showProblem($("identify-problem"), new ApiProblem(422, { title: answer.rejection.status, detail: answer.rejection.message }));
  }

  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const canvas = $("identify-canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const g = canvas.getContext("2d");
  g.drawImage(bitmap, 0, 0);
  const stroke = Math.max(2, Math.max(bitmap.width, bitmap.height) / 300);
  g.lineWidth = stroke;
  g.font = `${Math.round(stroke * 5 + 6)}px system-ui, sans-serif`;
  g.textBaseline = "bottom";
  for (const f of answer.faces) {
    if (!f.location) continue;
    const b = f.location.box;
    const color = f.decision === "identified" ? "#2fbf4f" : "#ff9f1a";
    g.strokeStyle = color;
    g.strokeRect(b.x, b.y, b.width, b.height);
    // On the photo the display name alone (the list below gives ids and candidates).
    const text = `${f.face_index + 1}: ${f.decision === "identified" ? identities.get(f.identity_id) || f.identity_id : "no correspondence"} ${num(f.score, 3)}`;
    const width = g.measureText(text).width + stroke * 2;
    const height = stroke * 5 + 10;
    const top = b.y - height >= 0 ? b.y - height : b.y + b.height;
    g.fillStyle = color;
    const left = Math.max(0, Math.min(b.x - stroke / 2, canvas.width - width)); // keep the label inside the photo
    g.fillRect(left, top, width, height);
    g.fillStyle = "#000";
    g.fillText(text, left + stroke, top + height - stroke);
  }
  canvas.hidden = false;

  $("identify-faces").replaceChildren(...answer.faces.map((f) => {
    const candidates = (f.candidates || []).map((c) => `${nameOf(c.identity_id)} ${num(c.score, 3)}`).join(", ") || "none";
    const item = el("li", { className: "face-answer" }, el("div", {},
      el("span", { className: "face-number" }, `${f.face_index + 1}. `),
      el("span", { className: `status ${f.decision}` }, f.decision === "identified" ? "identified" : "no correspondence"), " ",
      el("span", { className: "face-label" }, f.decision === "identified" ? nameOf(f.identity_id) : "no correspondence"),
      el("span", { className: "muted" }, ` score ${num(f.score, 3)}`),
      el("p", { className: "muted" }, `candidates: ${candidates}`)));
    item.dataset.identity = f.identity_id || "";
    item.dataset.decision = f.decision;
    return item;
  }));
}

// ---------- Gallery ----------

const PAGE_SIZE = 12;
// Paged on the server (GET /identities?limit&after&q): the cursors of the pages shown so far, for Previous.
let galleryCursors = [null];
let galleryPage = 0;
let galleryNext = null;

async function loadGallery() {
  const problem = $("gallery-problem");
  clearProblem(problem);
  try {
    const q = $("gallery-query").value.trim();
    const query = new URLSearchParams({ limit: PAGE_SIZE });
    if (galleryCursors[galleryPage]) query.set("after", galleryCursors[galleryPage]);
    if (q) query.set("q", q);
    const [page, stats] = await Promise.all([apiJson("GET", `/identities?${query}`), apiJson("GET", "/gallery/stats").catch(() => null)]);
    galleryNext = page.next_cursor;
    renderGallery(page.identities, stats?.identity_count, q);
  } catch (e) {
    showProblem(problem, e);
  }
}

function renderGallery(shown, total, q) {
  const of = total === undefined ? "" : ` · ${total} identit${total === 1 ? "y" : "ies"} in the gallery`;
  $("gallery-page").textContent = `page ${galleryPage + 1}${q ? ` matching “${q}”` : ""}${of}`;
  $("gallery-prev").disabled = galleryPage === 0;
  $("gallery-next").disabled = !galleryNext;
  $("gallery-list").replaceChildren(...shown.map((i) => {
    const img = el("img", { alt: "" });
    const button = el("button", { type: "button" }, img, el("span", {}, i.display_name || i.id, el("small", {}, `${i.id} · ${i.face_count} face${i.face_count === 1 ? "" : "s"}`)));
    button.addEventListener("click", () => openIdentity(i.id));
    thumbnail(img, i.id);
    const item = el("li", { className: "identity-card" }, button);
    item.dataset.identity = i.id;
    return item;
  }));
  if (shown.length === 0) $("gallery-list").append(el("li", { className: "muted" }, q || galleryPage > 0 ? "No identity matches." : "The gallery is empty."));
}

function firstGalleryPage() {
  galleryCursors = [null];
  galleryPage = 0;
  return loadGallery();
}

async function thumbnail(img, id) {
  try {
    const view = await apiJson("GET", `/identities/${encodeURIComponent(id)}`);
    const face = view.faces.find((f) => f.has_image);
    if (face) await loadImage(img, facePath(id, face.face_id, "chip"));
  } catch { /* a card without a picture */ }
}

let searchTimer = null;
$("gallery-query").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(firstGalleryPage, 250); });
$("gallery-search").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(searchTimer); firstGalleryPage(); });
$("gallery-refresh").addEventListener("click", loadGallery);
$("gallery-prev").addEventListener("click", () => { galleryPage--; loadGallery(); });
$("gallery-next").addEventListener("click", () => { galleryCursors[galleryPage + 1] = galleryNext; galleryPage++; loadGallery(); });

let openId = null;
async function openIdentity(id) {
  const problem = $("gallery-problem");
  clearProblem(problem);
  try {
    const view = await apiJson("GET", `/identities/${encodeURIComponent(id)}`);
    openId = view.id;
    $("identity").hidden = false;
    $("identity-title").textContent = view.display_name && view.display_name !== view.id ? `${view.display_name} (${view.id})` : view.id;
    $("identity-meta").textContent = `${view.faces.length} face${view.faces.length === 1 ? "" : "s"} · created ${new Date(view.created_utc).toLocaleString()} · updated ${new Date(view.updated_utc).toLocaleString()} · searchable under ${view.model_versions.map(short).join(", ") || "no model version"}`;
    $("identity-faces").replaceChildren(...view.faces.map((f) => {
      const img = el("img", { alt: `face ${short(f.face_id)}` });
      if (f.has_image) loadImage(img, facePath(view.id, f.face_id, "chip"));
      const original = el("a", { href: "#", textContent: "original" });
      original.addEventListener("click", async (e) => {
        e.preventDefault();
        try { window.open(URL.createObjectURL(await (await api("GET", facePath(view.id, f.face_id, "image"))).blob())); } catch (err) { showProblem(problem, err); }
      });
      const remove = el("button", { type: "button", className: "danger" }, "Remove face");
      remove.addEventListener("click", () => busy(remove, async () => {
        if (!await confirmAction(`Remove this face (${f.file_name || short(f.face_id)}) from ${view.id}?`, "Remove")) return;
        try {
          await api("DELETE", facePath(view.id, f.face_id));
          await Promise.all([openIdentity(view.id), loadGallery()]);
        } catch (err) { showProblem(problem, err); }
      }));
      const item = el("li", { className: "face" }, img, el("span", {}, f.file_name || short(f.face_id)),
        el("span", { className: "muted" }, `${f.width}×${f.height}`), f.has_image ? original : el("span", { className: "muted" }, "embedding only"), remove);
      item.dataset.face = f.face_id;
      return item;
    }));
  } catch (e) {
    $("identity").hidden = true;
    showProblem(problem, e);
  }
}

$("identity-forget").addEventListener("click", async () => {
  const id = openId;
  if (!id || !await confirmAction(`Forget ${id}? Every face, stored image and embedding of this person is removed. This cannot be undone.`, "Forget")) return;
  try {
    await api("DELETE", `/identities/${encodeURIComponent(id)}`);
    $("identity").hidden = true;
    openId = null;
    await loadGallery();
    refreshHealth();
  } catch (e) {
    showProblem($("gallery-problem"), e);
  }
});

function confirmAction(text, verb) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = verb;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

// ---------- Models ----------

let migrationTimer = null;
function stopMigrationPolling() { clearTimeout(migrationTimer); migrationTimer = null; }

async function loadModels() {
  const problem = $("models-problem");
  clearProblem(problem);
  try {
    const overview = await apiJson("GET", "/models");
    renderModels(overview);
  } catch (e) {
    showProblem(problem, e);
  }
  await loadMigration();
}

function gateText(g) {
  if (!g) return "—";
  const fig = (f) => f ? `rank-1 ${pct(f.rank1)}, FNIR ${pct(f.fnir_at_target)} at ${num(f.threshold)} (${f.threshold_source})` : "—";
  return `${g.passed ? "passed" : "failed"}${g.forced ? " (forced)" : ""}: ${g.reason}. ${g.searches} searches; active ${fig(g.active)}; candidate ${fig(g.candidate)}` +
    (g.folder_candidate ? `; folder: active ${fig(g.folder_active)}, candidate ${fig(g.folder_candidate)}` : "");
}

function renderModels(overview) {
  $("models-table").tBodies[0].replaceChildren(...overview.versions.map((v) => {
    const activate = el("button", { type: "button", className: "primary" }, "Activate");
    activate.hidden = v.state === "active" || v.state === "candidate";
    activate.addEventListener("click", () => modelAction(activate, `/models/${encodeURIComponent(v.id)}/activate${$("models-force").checked ? "?force=true" : ""}`,
      `Activation of ${short(v.id)} started: follow the migration below.`));
    const row = el("tr", {},
      el("td", {}, el("code", { title: v.id }, short(v.id))), el("td", {}, v.name), el("td", { className: "state" }, v.state),
      el("td", {}, String(v.embedding_size)), el("td", {}, v.recipe), el("td", {}, v.calibrated ? "yes" : "no"),
      el("td", {}, gateText(v.gate)), el("td", {}, activate));
    row.dataset.version = v.id;
    return row;
  }));
}

async function loadMigration() {
  stopMigrationPolling();
  const box = $("migration");
  try {
    const m = await apiJson("GET", "/models/migration");
    const running = m.phase === "reembedding" || m.phase === "gating";
    const eta = m.rate_per_second > 0 && running ? ` · ETA ${Math.ceil((m.total - m.done) / m.rate_per_second)} s` : "";
    box.replaceChildren(
      el("p", {}, `${short(m.from)} → ${short(m.to)}: `, el("strong", { className: "phase" }, m.phase), ` · ${m.done} / ${m.total} identities · ${m.reembedded} re-embedded · ${num(m.rate_per_second, 1)}/s${eta}`),
      el("progress", { max: Math.max(1, m.total), value: m.done }),
      el("p", { className: "muted" }, `${m.message}${m.resumes ? ` · resumed ${m.resumes}×` : ""}${m.silo ? ` · on ${m.silo}` : ""} · started ${new Date(m.started_utc).toLocaleString()}`),
      m.failure_count ? el("ul", {}, ...m.failures.map((f) => el("li", {}, `${f.identity_id}: ${f.reason}`)), m.failure_count > m.failures.length ? el("li", {}, `… ${m.failure_count - m.failures.length} more`) : null) : "");
    if (running && !$("models").hidden) migrationTimer = setTimeout(() => loadModels(), 2000);
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 404) box.replaceChildren(el("p", { className: "muted" }, "No migration has run in this cluster."));
    else { box.replaceChildren(); showProblem($("models-problem"), e); }
  }
}

async function modelAction(button, path, done) {
  const problem = $("models-problem");
  clearProblem(problem);
  $("models-notice").hidden = true;
  let refused = null;
  await busy(button, async () => {
    try {
      await api("POST", path);
    } catch (e) {
      refused = e;
    }
  });
  // Refresh first (it clears the problem box), then say what happened.
  await loadModels();
  refreshHealth();
  if (refused) {
    showProblem(problem, refused);
  } else {
    $("models-notice").textContent = done;
    $("models-notice").hidden = false;
  }
}

$("models-refresh").addEventListener("click", loadModels);
$("models-rollback").addEventListener("click", (e) => modelAction(e.currentTarget, "/models/rollback", "Rolled back to the previous version."));
$("models-cancel").addEventListener("click", (e) => modelAction(e.currentTarget, "/models/migration/cancel", "The migration was cancelled; the active version stays."));

// ---------- start ----------

showKeyState();
refreshHealth();
showTab();
