// The buyer's checkout, live: the parcels are replaced when they move, the address
// lists follow the province. Without this script the page still works (reload).
"use strict";
(function () {
  const page = document.querySelector(".checkout");
  const parcels = document.getElementById("parcels");
  if (!page || !parcels) return;

  let pending = null;
  let typed = false; // the buyer has typed in the details form and not saved it yet
  const details = document.querySelector("form.details");
  if (details) details.addEventListener("input", () => { typed = true; });
  function busy() {
    return Array.from(parcels.querySelectorAll('input[type="file"]')).some((f) => f.files.length);
  }
  // A whole new page only when what lies outside the parcels must change: the chat
  // account got bound, or the first parcel came (the details form appears). Never over
  // what the buyer is typing: then only the parcels are swapped.
  function outside(data) {
    const hadParcels = page.dataset.parcels !== "0";
    return data.bound !== (page.dataset.bound === "yes") || hadParcels !== data.parcels > 0;
  }
  function apply(data) {
    if (busy()) { pending = data; return; }
    if (outside(data) && !typed) { window.location.reload(); return; }
    parcels.innerHTML = data.html;
    page.dataset.parcels = String(data.parcels);
    pending = null;
  }
  parcels.addEventListener("change", () => { if (pending && !busy()) apply(pending); });
  if (window.EventSource) {
    const source = new EventSource("/bayar/events");
    source.addEventListener("checkout", (e) => apply(JSON.parse(e.data)));
  }

  const fields = {
    province: document.getElementById("f-province"),
    regency: document.getElementById("f-regency"),
    district: document.getElementById("f-district"),
  };
  function fill(select, names, placeholder) {
    select.replaceChildren(new Option(placeholder, ""));
    for (const name of names) select.add(new Option(name, name));
  }
  async function load(params) {
    const response = await fetch("/api/wilayah?" + new URLSearchParams(params));
    return response.ok ? response.json() : {};
  }
  if (fields.province && fields.regency && fields.district) {
    fields.province.addEventListener("change", async () => {
      const data = await load({ provinsi: fields.province.value });
      fill(fields.regency, data.regencies || [], "— pilih kabupaten/kota —");
      fill(fields.district, [], "— pilih kecamatan —");
    });
    fields.regency.addEventListener("change", async () => {
      const data = await load({ provinsi: fields.province.value, kabupaten: fields.regency.value });
      fill(fields.district, data.districts || [], "— pilih kecamatan —");
    });
  }
})();
