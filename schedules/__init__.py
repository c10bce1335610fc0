"""The organisers' world: the event, its vendors, products and slots; reading, checking, editing."""
