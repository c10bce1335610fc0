"""Fulfilment: the vendor's desk, where paid parcels are confirmed, packed and shipped."""
