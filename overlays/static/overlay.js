// Overlay page: keeps a socket to the overlay hub and draws the channel's state.
//
// The state holds absolute times, so what shows (lower third, which product, countdown) is
// worked out from the clock on every tick: a page (re)loaded at any moment is right.
// Every text comes from organisers or viewers: it is set with textContent, never as HTML.
(() => {
  "use strict";

  const body = document.body;
  const wsUrl = body.dataset.ws;
  const $ = (selector) => document.querySelector(selector);
  const el = {
    notice: $("#notice"),
    noticeText: $("#notice .notice-text"),
    countdown: $("#countdown"),
    cdName: $("#countdown .cd-name"),
    cdTime: $("#countdown .cd-time"),
    lower: $("#lower-third"),
    ltKicker: $("#lower-third .lt-kicker"),
    ltName: $("#lower-third .lt-name"),
    ltTitle: $("#lower-third .lt-title"),
    card: $("#card"),
    cardCode: $("#card .card-code"),
    cardName: $("#card .card-name"),
    cardPrice: $("#card .card-price"),
    cardHint: $("#card .card-hint"),
    cardLink: $("#card .card-link"),
    cardQr: $("#card .card-qr"),
    cardPhoto: $("#card .card-photo"),
    cardImg: $("#card .card-img"),
    cardTile: $("#card .card-tile"),
    cardInitials: $("#card .card-tile span"),
    ticker: $("#ticker"),
    tickerList: $("#ticker .ticker-list"),
  };

  let state = null;
  let rev = -1;
  let clockOffset = 0; // server clock minus ours, in ms
  let socket = null;
  let attempt = 0;
  let resyncing = false;
  let cardKey = "";
  let tickerKey = "";

  const serverNow = () => Date.now() + clockOffset;

  function setText(node, value) {
    const text = value == null ? "" : String(value);
    if (node.textContent !== text) node.textContent = text;
  }

  function show(node, on) {
    node.classList.toggle("on", Boolean(on));
  }

  // ---- socket -------------------------------------------------------------------------

  function connect() {
    socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      body.dataset.connected = "true";
    };
    socket.onmessage = (event) => onMessage(event.data);
    socket.onclose = () => {
      socket = null;
      body.dataset.connected = "false";
      resyncing = false;
      reconnectLater();
    };
  }

  // Exponential backoff with jitter, so a restarted hub is not hit by every page at once.
  function reconnectLater() {
    const ceiling = Math.min(15000, 500 * 2 ** attempt);
    attempt += 1;
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    setTimeout(connect, delay);
  }

  function onMessage(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === "reload") {
      window.location.reload();
    } else if (msg.type === "snapshot") {
      attempt = 0;
      resyncing = false;
      apply(msg);
    } else if (msg.type === "update" && !resyncing) {
      if (msg.rev === rev + 1) {
        apply(msg);
      } else if (msg.rev > rev + 1) {
        resyncing = true; // missed one: ask for the whole state again
        socket.send(JSON.stringify({ type: "resync" }));
      }
    }
  }

  function apply(msg) {
    state = msg.state || {};
    rev = msg.rev;
    if (typeof msg.now === "number") clockOffset = msg.now - Date.now();
    body.dataset.rev = String(rev);
    render();
  }

  // ---- drawing ------------------------------------------------------------------------

  function render() {
    if (!state) return;
    const now = serverNow();
    const live = Boolean(state.on_air);
    renderNotice(state.notice);
    renderLowerThird(live, now);
    renderCard(live ? currentProduct(now) : pinnedProduct());
    renderCountdown(state.countdown, now);
    renderTicker(state.ticker || []);
  }

  function renderNotice(text) {
    setText(el.noticeText, text);
    show(el.notice, Boolean(text));
  }

  function renderLowerThird(live, now) {
    const lt = state.lower_third || {};
    const vendor = state.vendor;
    const slot = state.slot || {};
    const visible =
      live && (lt.mode === "on" || (lt.mode === "auto" && lt.until_ms != null && now < lt.until_ms));
    const kicker = vendor ? [vendor.category, vendor.kecamatan].filter(Boolean).join(" · ") : "";
    setText(el.ltKicker, kicker || state.event);
    setText(el.ltName, vendor ? vendor.name : slot.title);
    setText(el.ltTitle, vendor ? slot.title : "");
    show(el.lower, visible && el.ltName.textContent !== "");
  }

  function pinnedProduct() {
    const card = state.card || {};
    return card.mode === "pinned" ? card.product : null;
  }

  function currentProduct(now) {
    const card = state.card || {};
    const products = state.products || [];
    if (card.mode === "pinned") return card.product;
    if (card.mode !== "cycle" || products.length === 0) return null;
    const from = card.from_ms == null ? now : card.from_ms;
    if (now < from) return null;
    const period = Math.max(1000, card.period_ms || 8000);
    return products[Math.floor((now - from) / period) % products.length];
  }

  function renderCard(product) {
    if (!product) {
      show(el.card, false);
      return;
    }
    const key = JSON.stringify(product);
    if (key !== cardKey) {
      const wasShown = el.card.classList.contains("on") && cardKey !== "";
      cardKey = key;
      fillCard(product);
      if (wasShown) replay(el.card, "swap");
    }
    show(el.card, true);
  }

  function fillCard(product) {
    setText(el.cardCode, product.code);
    setText(el.cardName, product.name);
    setText(el.cardPrice, product.price);
    setText(el.cardHint, product.hint);
    setText(el.cardLink, product.short_link);
    el.card.classList.toggle("sold-out", Boolean(product.sold_out));
    if (el.cardQr.getAttribute("src") !== product.qr) el.cardQr.setAttribute("src", product.qr);
    fillPhoto(product);
  }

  // The photo's card size, or a tile with the initials in the category's colour.
  function fillPhoto(product) {
    const url = product.photo || "";
    el.cardPhoto.classList.toggle("has-photo", url !== "");
    if (url && el.cardImg.getAttribute("src") !== url) el.cardImg.setAttribute("src", url);
    if (!url) el.cardImg.removeAttribute("src");
    el.cardImg.setAttribute("alt", url ? product.photo_alt || "" : "");
    setText(el.cardInitials, product.initials);
    el.cardTile.className = "card-tile photo-tile photo-tone-" + (Number(product.tone) || 0);
  }

  // Restart a CSS animation on a node that is already showing.
  function replay(node, className) {
    node.classList.remove(className);
    void node.offsetWidth;
    node.classList.add(className);
  }

  function renderCountdown(cd, now) {
    if (!cd) {
      show(el.countdown, false);
      return;
    }
    setText(el.cdName, cd.next_name || "Segmen berikutnya");
    setText(el.cdTime, countdownText(cd, now));
    show(el.countdown, true);
  }

  function countdownText(cd, now) {
    if (cd.held) return "ditahan";
    if (cd.target_ms == null) return "";
    const left = Math.ceil((cd.target_ms - now) / 1000);
    if (left <= 0) return "sebentar lagi";
    const h = Math.floor(left / 3600);
    const m = Math.floor((left % 3600) / 60);
    const s = String(left % 60).padStart(2, "0");
    return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function renderTicker(entries) {
    const key = JSON.stringify(entries);
    if (key === tickerKey) return;
    const previousFirst = tickerKey ? JSON.stringify(JSON.parse(tickerKey)[0] || null) : "";
    tickerKey = key;
    const items = entries.map(tickerItem);
    if (items.length && JSON.stringify(entries[0]) !== previousFirst) items[0].classList.add("new");
    el.tickerList.replaceChildren(...items);
    show(el.ticker, entries.length > 0);
  }

  function tickerItem(entry) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    const code = document.createElement("span");
    const what = document.createElement("span");
    code.className = "t-code";
    who.textContent = entry.first_name ? `${entry.first_name} pesan ` : "";
    code.textContent = `${entry.code} ×${entry.qty}`;
    what.textContent = entry.product ? ` ${entry.product}` : "";
    li.append(who, code, what);
    return li;
  }

  connect();
  setInterval(render, 250);
})();
