// Host control panel: live state over Server-Sent Events, actions as JSON posts.
// Every text from organisers goes in with textContent, never as HTML.
"use strict";

const root = document.getElementById("channels");
const tz = root.dataset.tz || "Asia/Jakarta";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const conn = document.getElementById("conn");
const flash = document.getElementById("flash");
let state = null;
let clockOffset = 0; // server time minus browser time, ms
let selected = null;
const cards = new Map();

const STATUS = {
  on_air: ["TAYANG", "live"], host: ["SEGMEN HOST", "live"], held: ["DITAHAN", ""],
  break: ["JEDA", ""], off_air: ["TIDAK TAYANG", ""],
};
const ROW_STATUS = {
  aired: "sudah tayang", on_air: "sedang tayang", held: "ditahan", upcoming: "akan tayang",
  skipped: "dilewati", jumped_out: "dipindah", replayed: "diulang",
};
const DESTRUCTIVE = {
  skip: "Lewati slot ini? Penjualnya tidak akan tayang.",
  jump: "Tayangkan slot ini sekarang, di luar urutan?",
  back: "Tayangkan ulang slot sebelumnya?",
  undo: "Batalkan aksi terakhir?",
};

function fmtTime(iso, zone = true) {
  if (!iso) return "-";
  const text = new Date(iso).toLocaleTimeString("id-ID", { timeZone: tz, hour: "2-digit", minute: "2-digit" });
  return zone ? text + " WIB" : text;
}

function fmtClock(seconds) {
  if (seconds == null) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function cardFor(ch) {
  if (cards.has(ch.id)) return cards.get(ch.id);
  const node = document.getElementById("channel-tpl").content.firstElementChild.cloneNode(true);
  node.dataset.channel = ch.id;
  node.addEventListener("click", () => select(ch.id));
  node.querySelectorAll("button[data-ov]").forEach((b) =>
    b.addEventListener("click", (e) => { e.stopPropagation(); overlayAct(ch.id, b.dataset.ov, node); }));
  node.querySelector(".ov-link").href = `/overlay/${encodeURIComponent(ch.id)}`;
  node.querySelectorAll("button[data-act]").forEach((b) =>
    b.addEventListener("click", (e) => { e.stopPropagation(); act(ch.id, b.dataset.act, b.dataset); }));
  root.appendChild(node);
  cards.set(ch.id, node);
  if (!selected) select(ch.id);
  return node;
}

function select(id) {
  selected = id;
  cards.forEach((node, key) => node.classList.toggle("selected", key === id));
}

function render() {
  if (!state) return;
  if (!cards.size) root.textContent = "";
  for (const ch of state.channels) renderChannel(cardFor(ch), ch);
  tick();
}

function renderChannel(node, ch) {
  const q = (s) => node.querySelector(s);
  q(".ch-title").textContent = ch.title || ch.id;
  const [label, cls] = STATUS[ch.status] || [ch.status, ""];
  q(".ch-status").textContent = label;
  q(".ch-status").className = "badge ch-status " + cls;
  q(".ch-vendor").textContent = ch.slot ? (ch.slot.vendor_name || ch.slot.title || "Segmen host") : "—";
  q(".ch-slot-title").textContent = ch.slot && ch.slot.vendor_name ? ch.slot.title : "";
  const list = q(".ch-products");
  list.textContent = "";
  for (const p of (ch.slot && ch.slot.products) || []) list.appendChild(el("li", `${p.code} · ${p.name} · ${p.price}`));
  q(".ch-window").textContent = ch.start ? `${fmtTime(ch.start)} – ${ch.end ? fmtTime(ch.end) : "ditahan"}` : "";
  q(".ch-next").textContent = ch.next ? `Berikutnya: ${ch.next.name} pukul ${fmtTime(ch.next.start)}` : "Tidak ada slot berikutnya hari ini.";
  const delay = Math.round((ch.delay_s || 0) / 60);
  q(".ch-delay").textContent = ch.day_ends_at
    ? `Hari ini selesai ${fmtTime(ch.day_ends_at)}` + (delay ? ` (${delay > 0 ? "+" : ""}${delay} menit dari jadwal)` : " (sesuai jadwal)")
    : "";
  q(".ch-hold").textContent = ch.status === "held" ? "Lanjutkan ▶" : "Tahan ‖";
  const airing = ["on_air", "host", "held"].includes(ch.status);
  q(".ch-clock-label").textContent = airing ? "Sisa waktu" : "Mulai dalam";
  q(".ch-hold").dataset.act = ch.status === "held" ? "resume" : "hold";
  q(".ch-notes").textContent = (ch.notes || []).join(" · ");
  renderTimeline(q(".ch-timeline"), ch);
  renderProductChoice(q(".ov-product"), ch.catalog || []);
  renderLog(q(".ch-log"), ch.log || []);
  node.dispatchEvent(new CustomEvent("channel-render", { detail: ch, bubbles: true }));
}

function renderTimeline(body, ch) {
  body.textContent = "";
  for (const row of ch.timeline || []) {
    const tr = el("tr", null, row.status);
    tr.dataset.slot = row.id;
    tr.appendChild(el("td", `${fmtTime(row.scheduled_start, false)}–${fmtTime(row.scheduled_end, false)}`));
    tr.appendChild(el("td", row.start ? `${fmtTime(row.start, false)}–${fmtTime(row.end, false)}` : "-"));
    tr.appendChild(el("td", row.name));
    tr.appendChild(el("td", ROW_STATUS[row.status] || row.status));
    const cell = el("td", null, "slot-actions");
    if (row.status === "upcoming") {
      for (const [kind, text] of [["jump", "Tayangkan"], ["skip", "Lewati"]]) {
        const b = el("button", text, "secondary");
        b.addEventListener("click", (e) => { e.stopPropagation(); act(ch.id, kind, { slot: row.id }); });
        cell.appendChild(b);
      }
    }
    tr.appendChild(cell);
    body.appendChild(tr);
  }
}

function renderProductChoice(select, catalog) {
  if (select.options.length === catalog.length) return;
  select.textContent = "";
  for (const p of catalog) {
    const option = el("option", `${p.code} · ${p.name}`);
    option.value = p.code;
    select.appendChild(option);
  }
}

async function post(url, body) {
  const resp = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  const reply = await resp.json().catch(() => ({}));
  showFlash(resp.ok ? "" : reply.error || `Gagal (${resp.status})`);
  return reply;
}

function overlayAct(channel, action, node) {
  let value = null;
  if (action === "show_card") value = node.querySelector(".ov-product").value;
  if (action === "notice_on") value = node.querySelector(".ov-notice").value;
  return post(`/api/channels/${encodeURIComponent(channel)}/overlay`, { action, value });
}

async function refreshPages() {
  const resp = await fetch("/api/overlay/pages");
  if (!resp.ok) return;
  const { pages, viewers } = await resp.json();
  const stale = pages.filter((p) => p.stale).length;
  const summary = document.getElementById("pages-summary");
  summary.textContent = pages.length
    ? pages.map((p) => `${p.channel} (${p.layout})`).join(", ") + (stale ? ` · ${stale} versi lama` : "")
    : "Belum ada halaman overlay yang terhubung (tambahkan sebagai Browser Source di OBS).";
  const watching = Object.entries(viewers || {});
  document.getElementById("viewers-summary").textContent = watching.length
    ? "Penonton halaman /live (live page viewers): "
      + watching.map(([channel, n]) => `${channel} ${n.toLocaleString("id-ID")}`).join(", ")
    : "Belum ada penonton di halaman /live (no live page viewers yet).";
}

document.getElementById("reload-pages").addEventListener("click", async () => {
  if (!confirm("Muat ulang semua halaman overlay sekarang?")) return;
  await post("/api/overlay/reload", {});
  refreshPages();
});

function renderLog(list, log) {
  list.textContent = "";
  for (const item of log) list.appendChild(el("li", `${fmtTime(item.at)} · ${item.by || "?"} · ${item.text}`));
}

function tick() {
  if (!state) return;
  const now = Date.now() + clockOffset;
  for (const ch of state.channels) {
    const node = cards.get(ch.id);
    if (!node) continue;
    const clock = node.querySelector(".ch-countdown");
    const left = ch.status === "held" ? ch.remaining_s : ch.end ? (Date.parse(ch.end) - now) / 1000 : null;
    clock.textContent = fmtClock(left);
    clock.classList.toggle("held", ch.status === "held");
  }
}

async function act(channel, kind, data) {
  const body = { kind };
  if (data && data.minutes) body.minutes = Number(data.minutes);
  if (data && data.slot) body.slot_id = data.slot;
  if (kind === "back") {
    const minutes = prompt("Tayangkan ulang slot sebelumnya berapa menit?", "3");
    if (!minutes) return;
    body.minutes = Number(minutes);
  } else if (DESTRUCTIVE[kind] && !confirm(DESTRUCTIVE[kind])) {
    return;
  }
  if (kind === "extend" && body.minutes < 0 && !confirm(`Kurangi ${-body.minutes} menit?`)) return;
  await post(`/api/channels/${encodeURIComponent(channel)}/actions`, body);
}

function showFlash(text) {
  flash.hidden = !text;
  flash.textContent = text;
  flash.classList.toggle("error", Boolean(text));
}

function connect() {
  const source = new EventSource("/api/panel/events");
  source.addEventListener("state", (e) => {
    state = JSON.parse(e.data);
    clockOffset = Date.parse(state.server_time) - Date.now();
    conn.dataset.state = "open";
    conn.textContent = "terhubung";
    render();
  });
  source.onerror = () => {
    conn.dataset.state = "closed";
    conn.textContent = "terputus, menyambung ulang…";
  };
}

document.addEventListener("keydown", (e) => {
  if (!selected || e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = { n: ["next"], "+": ["extend", { minutes: 1 }], "=": ["extend", { minutes: 1 }],
    "-": ["extend", { minutes: -1 }], u: ["undo"] };
  if (e.key.toLowerCase() === "h") {
    const ch = state && state.channels.find((c) => c.id === selected);
    act(selected, ch && ch.status === "held" ? "resume" : "hold");
  } else if (keys[e.key.toLowerCase()]) {
    const [kind, data] = keys[e.key.toLowerCase()];
    act(selected, kind, data);
  }
});

setInterval(tick, 250);
setInterval(refreshPages, 5000);
refreshPages();
connect();
