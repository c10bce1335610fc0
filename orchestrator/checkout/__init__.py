"""The buyer's side of a sale: paying the vendor (QRIS, bank transfer) and the checkout."""
