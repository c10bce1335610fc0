// Platform box on each channel card: the Zoom meeting, the YouTube broadcast and stream,
// today's quota, what we are waiting for, the last error with its reason, and a retry
// button for a failed step. panel.js fires `channel-render` with the channel's JSON;
// this fills the card's `.ch-extra`. Text goes in with textContent, never as HTML.
"use strict";

(() => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";
  const STEP = { new: "belum disiapkan", ensured: "siap tayang", live: "tayang", finished: "selesai" };
  const STEP_NAME = { ensure: "persiapan", go_live: "mulai tayang", announce: "pengumuman chat", finish: "penutupan" };
  const BROADCAST = {
    created: "dibuat", ready: "siap", testStarting: "memulai uji", testing: "uji",
    liveStarting: "memulai", live: "TAYANG", complete: "selesai", revoked: "dicabut",
  };

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function line(box, label, value, href) {
    const row = el("div", null, "pf-row");
    row.appendChild(el("span", label + ": ", "label"));
    if (href && /^https?:\/\//.test(href)) {
      const link = el("a", value || href);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener";
      row.appendChild(link);
    } else {
      row.appendChild(el("span", value == null || value === "" ? "-" : String(value)));
    }
    box.appendChild(row);
  }

  function render(box, channel, p) {
    box.textContent = "";
    if (!p) return;
    const card = el("div", null, "platform-box");
    const mode = p.mode === "sandbox" ? " (sandbox)" : "";
    card.appendChild(el("h3", `YouTube & Zoom${mode} · ${STEP[p.step] || p.step}`));
    line(card, "Meeting Zoom", p.meeting_id);
    line(card, "Tautan gabung (join)", p.join_url, p.join_url);
    line(card, "Siaran YouTube", p.broadcast_id ? `${p.broadcast_id} · ${BROADCAST[p.broadcast_status] || p.broadcast_status || "-"}` : null);
    line(card, "Stream", p.stream_status ? `${p.stream_status} · kesehatan ${p.stream_health || "-"}` : null);
    line(card, "Kuota YouTube hari ini", `${p.quota_used} terpakai · ${p.quota_left} tersisa`);
    if (p.notice) card.appendChild(el("div", p.notice, "pf-notice muted"));
    const err = p.last_error;
    if (err) {
      const what = STEP_NAME[err.step] || err.step;
      const text = `${p.failed_step ? "Gagal" : "Terakhir gagal"} (${what}): ${err.reason} — ${err.message}`;
      card.appendChild(el("div", text, p.failed_step ? "pf-error warning" : "pf-error muted"));
    }
    const chat = p.chat;
    if (chat) {
      const state = { polling: "membaca", streaming: "streaming", stopped: "berhenti", error: "galat", idle: "menunggu" }[chat.state] || chat.state;
      const every = chat.interval_s && chat.state === "polling" ? ` tiap ${Math.round(chat.interval_s)} dtk` : "";
      line(card, "Chat YouTube", `${state}${every} · ${chat.messages || 0} pesan · ${chat.orders || 0} pesanan`);
      if (chat.transport_text) {
        const again = chat.reconnects ? ` (${chat.reconnects} kali sambung ulang)` : "";
        line(card, "Cara baca chat", chat.transport_text + again);
      }
      if (chat.message && chat.state !== "polling" && chat.state !== "streaming") card.appendChild(el("div", chat.message, "pf-notice warning"));
    }
    if (p.failed_step) {
      const button = el("button", `Coba lagi: ${STEP_NAME[p.failed_step] || p.failed_step}`, "secondary pf-retry");
      button.addEventListener("click", (e) => { e.stopPropagation(); retry(channel, button); });
      card.appendChild(button);
    }
    box.appendChild(card);
  }

  async function retry(channel, button) {
    button.disabled = true;
    try {
      const resp = await fetch(`/api/channels/${encodeURIComponent(channel)}/platform/retry`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: "{}",
      });
      if (!resp.ok) {
        const reply = await resp.json().catch(() => ({}));
        alert(reply.error || `Gagal (${resp.status})`);
      }
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("channel-render", (e) => {
    const box = e.target.querySelector(".ch-extra");
    const platform = e.detail.platform ? { ...e.detail.platform, chat: e.detail.chat } : null;
    if (box) render(box, e.detail.id, platform);
  });
})();
