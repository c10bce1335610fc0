// The vendor's desk, live: the parcels are redrawn when a buyer pays or the vendor acts
// (not while a form is being filled in), and the countdown to their slot ticks.
// Without this script the page still works: forms post and the page reloads.
"use strict";
(function () {
  const desk = document.querySelector(".desk");
  const parcels = document.getElementById("parcels");
  const conn = document.getElementById("conn");
  if (!desk || !parcels) return;

  let pending = null;
  function busy() {
    const active = document.activeElement;
    if (active && parcels.contains(active) && active.matches("input, select")) return true;
    return Array.from(parcels.querySelectorAll("input[name=resi], input[name=reason], input[name=quote]"))
      .some((f) => f.value !== "");
  }
  function apply(data) {
    if (data.revoked) { window.location.reload(); return; }  // the link no longer opens
    if (busy()) { pending = data; return; }
    const open = Array.from(parcels.querySelectorAll("details[open]")).map((d) => d.closest("article")?.id + "|" + d.querySelector("summary")?.textContent);
    parcels.innerHTML = data.html;
    for (const d of parcels.querySelectorAll("details")) {
      if (open.includes(d.closest("article")?.id + "|" + d.querySelector("summary")?.textContent)) d.open = true;
    }
    pending = null;
  }
  parcels.addEventListener("focusout", () => { setTimeout(() => { if (pending && !busy()) apply(pending); }, 0); });
  if (window.EventSource && desk.dataset.events) {
    const source = new EventSource(desk.dataset.events);
    const state = (name, text) => { if (conn) { conn.dataset.state = name; conn.textContent = text; } };
    source.addEventListener("open", () => state("open", "langsung (live)"));
    source.addEventListener("error", () => state("closed", "terputus, menyambung lagi…"));
    source.addEventListener("desk", (e) => apply(JSON.parse(e.data)));
  }

  const countdown = document.querySelector(".countdown[data-start]");
  if (countdown) {
    const start = Date.parse(countdown.dataset.start);
    const end = Date.parse(countdown.dataset.end);
    // The server's clock, not the phone's: a phone set a few minutes wrong still counts right.
    const skew = Date.parse(countdown.dataset.now) - Date.now();
    const two = (n) => String(n).padStart(2, "0");
    const tick = () => {
      const now = Date.now() + skew;
      if (now >= end) { countdown.textContent = "giliran Anda sudah selesai"; return; }
      if (now >= start) { countdown.textContent = "SEDANG TAYANG · sisa " + Math.ceil((end - now) / 60000) + " menit"; return; }
      let s = Math.floor((start - now) / 1000);
      const d = Math.floor(s / 86400); s -= d * 86400;
      const h = Math.floor(s / 3600); s -= h * 3600;
      const m = Math.floor(s / 60); s -= m * 60;
      countdown.textContent = "mulai dalam " + (d ? d + " hari " : "") + two(h) + ":" + two(m) + ":" + two(s);
    };
    tick();
    setInterval(tick, 1000);
  }
})();
