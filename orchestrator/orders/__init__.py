"""Orders from live chat: the order book, its tables, the orders pages and the Zoom webhook.

Chat pages come in through ``OrderDesk.ingest`` (the YouTube poller) and
``POST /webhooks/zoom``; each page is stored, parsed and applied in one transaction.
"""
