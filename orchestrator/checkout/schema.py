"""The checkout's tables, oldest migration first; personal data lives only here.

``buyers`` is one browser at checkout: the cookie's secret is kept only as a hash, and
the buyer's name, WhatsApp and address sit on this row (and nowhere else, so a purge is
one UPDATE). ``buyer_authors`` binds chat authors to a buyer, once: the primary key is
the author, so a claim can never be bound twice. ``bind_codes`` are the one-time codes a
buyer types in chat (``BAYAR 4821``); ``bind_misses`` counts an author's wrong codes.
``parcels`` is one buyer's goods from one vendor; ``parcel_orders`` says which orders
a parcel holds (fixed when the buyer says they paid), ``parcel_events`` every change
with who and when, ``payments`` what the buyer said they paid, and how.
"""

from __future__ import annotations

from sqlite_utils import Database

from kernel.db import apply_migrations

_TABLES = """
CREATE TABLE buyers (
  id INTEGER PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, csrf TEXT NOT NULL,
  created_utc TEXT NOT NULL, updated_utc TEXT NOT NULL,
  name TEXT, whatsapp TEXT, delivery TEXT, province TEXT, regency TEXT, district TEXT,
  postal_code TEXT, street TEXT, country TEXT);
CREATE TABLE buyer_authors (
  platform TEXT NOT NULL, author_id TEXT NOT NULL, buyer_id INTEGER NOT NULL
  REFERENCES buyers (id), author_name TEXT, bound_utc TEXT NOT NULL, message_id TEXT,
  PRIMARY KEY (platform, author_id));
CREATE INDEX buyer_authors_buyer ON buyer_authors (buyer_id);
CREATE TABLE bind_codes (
  id INTEGER PRIMARY KEY, code TEXT NOT NULL, buyer_id INTEGER NOT NULL REFERENCES buyers (id),
  created_utc TEXT NOT NULL, expires_utc TEXT NOT NULL, used_utc TEXT, used_by TEXT);
CREATE INDEX bind_codes_live ON bind_codes (code, used_utc, expires_utc);
CREATE INDEX bind_codes_buyer ON bind_codes (buyer_id, id);
CREATE TABLE bind_misses (
  platform TEXT NOT NULL, author_id TEXT NOT NULL, misses INTEGER NOT NULL,
  last_utc TEXT NOT NULL, PRIMARY KEY (platform, author_id));
CREATE TABLE parcels (
  id INTEGER PRIMARY KEY, buyer_id INTEGER NOT NULL REFERENCES buyers (id),
  vendor_id TEXT NOT NULL, status TEXT NOT NULL, method TEXT, transfer_code INTEGER,
  items_idr INTEGER, shipping_idr INTEGER, total_idr INTEGER, weight_g INTEGER,
  courier TEXT, resi TEXT, note TEXT, created_utc TEXT NOT NULL, updated_utc TEXT NOT NULL);
CREATE INDEX parcels_buyer ON parcels (buyer_id, vendor_id, status);
CREATE INDEX parcels_vendor ON parcels (vendor_id, status);
CREATE TABLE parcel_orders (
  order_id INTEGER PRIMARY KEY, parcel_id INTEGER NOT NULL REFERENCES parcels (id));
CREATE INDEX parcel_orders_parcel ON parcel_orders (parcel_id);
CREATE TABLE parcel_events (
  id INTEGER PRIMARY KEY, parcel_id INTEGER NOT NULL REFERENCES parcels (id),
  at_utc TEXT NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, status_from TEXT,
  status_to TEXT, note TEXT);
CREATE INDEX parcel_events_parcel ON parcel_events (parcel_id, id);
CREATE TABLE payments (
  id INTEGER PRIMARY KEY, parcel_id INTEGER NOT NULL REFERENCES parcels (id),
  method TEXT NOT NULL, amount_idr INTEGER NOT NULL, at_utc TEXT NOT NULL,
  proof_file TEXT, proof_type TEXT, request_id TEXT UNIQUE);
"""


def _create_tables(db: Database) -> None:
    for statement in _TABLES.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS = [_create_tables]


def migrate(db: Database) -> None:
    """Bring the checkout tables up to date; safe at every start."""
    apply_migrations(db, "checkout", MIGRATIONS)
