// Orders pages: live list over Server-Sent Events, status changes as JSON posts.
// Chat text and names are written by viewers: everything goes in with textContent.
"use strict";

(() => {
  const root = document.getElementById("orders");
  if (!root) return;
  const readonly = root.dataset.readonly === "1";
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const conn = document.getElementById("conn");
  const flash = document.getElementById("flash");
  const ordersBody = root.querySelector('[data-part="orders"]');
  const countLine = root.querySelector('[data-part="count"]');
  const totalsBody = document.querySelector('[data-part="totals"]');

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function cell(label, text, cls) {
    const td = el("td", text, cls);
    td.dataset.label = label;
    return td;
  }

  function wrap(...parts) {
    const span = document.createElement("span");
    span.append(...parts); // strings become text nodes, never HTML
    return span;
  }

  function say(message, isError) {
    if (!flash) return;
    flash.textContent = message;
    flash.classList.toggle("error", Boolean(isError));
    flash.hidden = false;
  }

  function totalsRow(t) {
    const tr = document.createElement("tr");
    tr.append(cell("Penjual", t.vendor), cell("Pesanan", t.orders), cell("Unit", t.units),
      cell("Total", t.total), cell("Sudah dibayar", t.paid), cell("Antre", t.waiting));
    return tr;
  }

  function actionForm(o, a) {
    const form = el("form", null, "status-form");
    form.method = "post";
    form.action = `/orders/${o.id}/status`;
    const status = el("input");
    status.type = "hidden";
    status.name = "status";
    status.value = a.status;
    const button = el("button", a.label, a.status === "cancelled" ? "danger" : "secondary");
    button.type = "submit";
    form.append(status, button);
    return form;
  }

  function orderRow(o) {
    const tr = document.createElement("tr");
    tr.dataset.id = o.id;
    tr.className = `status-${o.status}`;
    // Each cell's content sits in one span: on a phone the cell is a label-value row.
    const product = cell("Produk", null);
    product.append(wrap(el("strong", o.code), " " + o.product));
    const viewer = cell("Penonton", null);
    viewer.append(wrap(o.viewer + " ", el("small", o.platform, "muted")));
    const chat = cell("Pesan", null, "chat");
    const text = wrap(o.text);
    if (o.superchat) text.append(" ", el("span", "Super Chat " + o.superchat, "badge superchat"));
    chat.append(text);
    const status = cell("Status", null);
    status.append(el("span", o.status_label, `badge status-${o.status}`));
    tr.append(cell("#", o.id), cell("Waktu", o.time), product, cell("Jumlah", o.qty),
      cell("Total", o.total));
    if (!readonly) tr.append(cell("Penjual", o.vendor));
    tr.append(viewer, chat, status);
    if (!readonly) {
      const actions = cell("Aksi", null, "actions");
      actions.append(wrap(...o.actions.map((a) => actionForm(o, a))));
      tr.append(actions);
    }
    return tr;
  }

  function emptyRow(columns) {
    const tr = document.createElement("tr");
    const td = el("td", "Belum ada pesanan.", "muted");
    td.colSpan = columns;
    tr.append(td);
    return tr;
  }

  function render(data) {
    if (totalsBody) {
      totalsBody.replaceChildren(...(data.totals.length ? data.totals.map(totalsRow) : [emptyRow(6)]));
    }
    const rows = data.orders.map(orderRow);
    ordersBody.replaceChildren(...(rows.length ? rows : [emptyRow(readonly ? 8 : 10)]));
    if (countLine) {
      countLine.textContent = `Menampilkan ${data.shown} dari ${data.count} pesanan (terbaru di atas).`;
    }
  }

  async function submit(form) {
    const status = form.querySelector('input[name="status"]').value;
    const id = form.action.match(/\/orders\/(\d+)\//)[1];
    if (status === "cancelled" && !window.confirm(`Batalkan pesanan #${id}?`)) return;
    const response = await fetch(`/api/orders/${id}/status`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ status }),
    });
    if (response.ok) return say(`Pesanan #${id} diperbarui.`, false);
    let message = `Gagal (${response.status}).`;
    try { message = (await response.json()).error || message; } catch (err) { /* not JSON */ }
    say(message, true);
  }

  if (!readonly) {
    document.addEventListener("submit", (event) => {
      const form = event.target.closest(".status-form");
      if (!form) return;
      event.preventDefault();
      submit(form).catch(() => say("Gagal menghubungi server; coba lagi.", true));
    });
  }

  function connect() {
    const source = new EventSource(root.dataset.events);
    source.addEventListener("open", () => { if (conn) { conn.dataset.state = "open"; conn.textContent = "langsung"; } });
    source.addEventListener("orders", (event) => render(JSON.parse(event.data)));
    source.addEventListener("error", () => { if (conn) { conn.dataset.state = "closed"; conn.textContent = "terputus, menyambung lagi…"; } });
  }
  connect();
})();
