"""Viewers' chat: reading order and cancel messages by the product codes on air."""
