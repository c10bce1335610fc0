// The live page: follow each channel's public topic on the overlay hub and redraw it.
// The server rendered the current state; each snapshot/update replaces it. Every text
// from organisers or viewers is set with textContent, never as HTML.
"use strict";

(function () {
  const root = document.getElementById("live");
  if (!root) return;
  const tz = root.dataset.tz || "Asia/Jakarta";
  // Server clock minus ours: countdowns use absolute times from the server's clock.
  let offset = Number(root.dataset.serverNow || Date.now()) - Date.now();
  // "15:40" as the server writes it (id-ID would write "15.40").
  const clock = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: tz,
  });

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function vendorBlock(s) {
    if (s.vendor) {
      const box = el("div", "live-vendor");
      const name = el("strong", "", s.vendor.name);
      name.dataset.role = "vendor";
      box.append(name);
      const where = [s.vendor.category, s.vendor.kecamatan].filter(Boolean).join(" · ");
      if (where) box.append(" ", el("span", "live-where", where));
      if (s.slot_title) box.append(el("div", "live-slot-title", s.slot_title));
      return box;
    }
    if (s.on_air) {
      const box = el("div", "live-vendor");
      const name = el("strong", "", s.slot_title || "Pembawa acara (host)");
      name.dataset.role = "vendor";
      box.append(name);
      return box;
    }
    const idle = el("p", "live-idle", "Belum ada yang tayang (nothing on air).");
    idle.dataset.role = "vendor";
    return idle;
  }

  function productItem(p) {
    const li = el("li", "live-product" + (p.sold_out ? " sold-out" : ""));
    li.dataset.code = p.code;
    if (p.photo) {
      const img = el("img", "live-photo");
      img.src = p.photo;
      img.alt = p.photo_alt || "";
      img.width = 96;
      img.height = 96;
      li.append(img);
    } else {
      const tile = el("span", "live-photo photo-tile photo-tone-" + Number(p.tone || 0), p.initials);
      tile.setAttribute("aria-hidden", "true");
      li.append(tile);
    }
    const info = el("div", "live-info");
    info.append(el("span", "live-name", p.name), el("span", "live-price", p.price), " ",
      el("span", "live-code", p.code));
    if (p.stock) info.append(" ", el("span", "live-stock", p.stock));
    li.append(info);
    if (p.sold_out) {
      li.append(el("span", "live-order disabled", "Habis"));
    } else {
      const a = el("a", "live-order", "Pesan");
      a.href = p.order;
      li.append(a);
    }
    return li;
  }

  function countdownBlock(c) {
    const p = el("p", "live-next", "Berikutnya (next): ");
    p.dataset.role = "countdown";
    p.dataset.target = c.target_ms === null ? "" : String(c.target_ms);
    p.append(el("strong", "", c.next_name || "jeda"));
    if (c.held) {
      p.append(" ", el("span", "live-when", "ditahan pembawa acara (on hold)"));
    } else if (c.target_ms) {
      const when = el("span", "live-when", "pukul ");
      when.append(el("time", "", clock.format(new Date(c.target_ms)) + " WIB"));
      const left = el("span", "live-left");
      left.dataset.role = "left";
      p.append(" ", when, " ", left);
    }
    return p;
  }

  function render(section, s) {
    const box = section.querySelector('[data-role="state"]');
    const parts = [];
    if (s.notice) parts.push(el("p", "live-notice", s.notice));
    parts.push(vendorBlock(s));
    if (s.products && s.products.length) {
      const list = el("ul", "live-products");
      s.products.forEach((p) => list.append(productItem(p)));
      parts.push(list);
    }
    if (s.countdown) parts.push(countdownBlock(s.countdown));
    if (s.ticker && s.ticker.length) {
      const list = el("ol", "live-ticker");
      list.setAttribute("aria-label", "Pesanan terbaru (latest orders)");
      s.ticker.forEach((t) => list.append(el("li", "",
        (t.first_name ? t.first_name + " memesan " : "Pesanan baru: ") + t.qty + "× " +
        (t.product || t.code))));
      parts.push(list);
    }
    box.replaceChildren(...parts);
    section.querySelector('[data-role="status"]').textContent =
      s.on_air ? "● LIVE" : "jeda (break)";
    video(section, s.video || "");
    tick();
  }

  function video(section, src) {
    const box = section.querySelector('[data-role="video"]');
    if (box.dataset.src === src) return; // same video: don't restart the player
    box.dataset.src = src;
    if (!src) { box.replaceChildren(); return; }
    const frame = el("iframe");
    frame.src = src;
    frame.title = "Video siaran";
    frame.allow = "autoplay; encrypted-media; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    box.replaceChildren(frame);
  }

  function tick() {
    const now = Date.now() + offset;
    document.querySelectorAll('[data-role="countdown"]').forEach((node) => {
      const left = node.querySelector('[data-role="left"]');
      const target = Number(node.dataset.target);
      if (!left || !target) return;
      const s = Math.max(0, Math.round((target - now) / 1000));
      const mm = Math.floor(s / 60), ss = String(s % 60).padStart(2, "0");
      left.textContent = s > 0 ? "(" + mm + ":" + ss + " lagi)" : "(sebentar lagi)";
    });
  }

  function follow(section) {
    let rev = 0;
    let wait = 1000;
    function open() {
      const socket = new WebSocket(section.dataset.ws);
      socket.onmessage = (event) => {
        const msg = JSON.parse(event.data);
        if (msg.type === "reload") { location.reload(); return; }
        // Each message holds the whole state, and the hub sends the newest one: a skipped
        // revision needs no resync, an old one is ignored.
        if (msg.type === "update" && msg.rev < rev) return;
        rev = msg.rev;
        offset = msg.now - Date.now();
        wait = 1000;
        if (msg.state && msg.state.channel) render(section, msg.state);
        section.dataset.rev = String(rev);
      };
      socket.onclose = () => {
        setTimeout(open, wait);
        wait = Math.min(wait * 2, 30000);
      };
    }
    open();
  }

  document.querySelectorAll(".live-channel").forEach(follow);
  tick();
  setInterval(tick, 1000);
})();
