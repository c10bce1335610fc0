"""The catalogue's pure part: folding, search by names and codes, the category filter."""

from __future__ import annotations

from orchestrator.viewers.catalogue import Catalogue, fold, query_words
from schedules.model import Event, Product, Vendor


def _event() -> Event:
    vendors = [
        Vendor("kopi-ajung", "Kopi Énak Ajung", "Kuliner", whatsapp="0812-3456-7890"),
        Vendor("batik", "Batik Labako", "Fesyen", description="Tulis & cap"),
        Vendor("kosong", "Toko Tanpa Produk", "kuliner"),
    ]
    products = [
        Product("K01", "kopi-ajung", "Kopi Robusta", 45000, order_url="https://toko.example/k01"),
        Product("K02", "kopi-ajung", "Keripik Tempe", 12000, order_url="javascript:alert(1)"),
        Product("B07", "batik", "Kemeja Batik Tembakau", 250000),
    ]
    return Event(name="Uji", vendors=vendors, products=products)


def _found(catalogue: Catalogue, q: str = "", kategori: str = "") -> dict[str, list[str]]:
    return {s.id: [i.code for i in items] for s, items in catalogue.search(q, kategori)}


def test_fold_drops_case_accents_and_punctuation() -> None:
    """`Kopi Énak!` and `KOPI enak` fold to the same words."""
    assert fold("Kopi Énak!") == fold("KOPI  enak") == "kopi enak"
    assert query_words("  Kémeja,batik ") == ("kemeja", "batik")


def test_no_query_lists_every_vendor_with_its_products_in_order() -> None:
    """Without search every vendor shows, even one without products, in the organisers' order."""
    found = _found(Catalogue.build(_event()))
    assert found == {"kopi-ajung": ["K01", "K02"], "batik": ["B07"], "kosong": []}


def test_search_matches_product_names_without_case_or_accents() -> None:
    """`robusta` finds one product; `ENAK` (accent-free) finds the vendor and all it sells."""
    catalogue = Catalogue.build(_event())
    assert _found(catalogue, "robusta") == {"kopi-ajung": ["K01"]}
    assert _found(catalogue, "ENAK") == {"kopi-ajung": ["K01", "K02"]}
    assert _found(catalogue, "kemeja tembakau") == {"batik": ["B07"]}


def test_search_mixes_product_and_vendor_words_and_every_word_must_match() -> None:
    """`keripik ajung` needs both: the product's name and its vendor's name."""
    catalogue = Catalogue.build(_event())
    assert _found(catalogue, "keripik ajung") == {"kopi-ajung": ["K02"]}
    assert _found(catalogue, "keripik labako") == {}


def test_search_reads_codes_as_the_chat_does() -> None:
    """`k1`, `K01` and `b7` find their products; a vendor's code finds the vendor."""
    catalogue = Catalogue.build(_event())
    assert _found(catalogue, "k1") == {"kopi-ajung": ["K01"]}
    assert _found(catalogue, "K01") == {"kopi-ajung": ["K01"]}
    assert _found(catalogue, "b7") == {"batik": ["B07"]}
    assert _found(catalogue, "batik") == {"batik": ["B07"]}


def test_category_filter_ignores_case_and_combines_with_search() -> None:
    """`kuliner` takes both spellings of the category; with a query, both must hold."""
    catalogue = Catalogue.build(_event())
    assert set(_found(catalogue, "", "KULINER")) == {"kopi-ajung", "kosong"}
    assert _found(catalogue, "kemeja", "Kuliner") == {}
    assert catalogue.categories == ("Fesyen", "Kuliner")


def test_only_https_order_links_and_wa_me_numbers_are_kept() -> None:
    """An organiser's https link shows; a javascript: one never does; 0812 becomes 62812."""
    stall = Catalogue.build(_event()).by_id["kopi-ajung"]
    assert [i.order_url for i in stall.items] == ["https://toko.example/k01", None]
    assert stall.wa_url and stall.wa_url.startswith("https://wa.me/6281234567890?text=")
    assert stall.items[0].price == "Rp 45.000"
    assert Catalogue.build(_event()).by_id["batik"].wa_url is None
