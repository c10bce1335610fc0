"""What the stream and viewers see: the overlay hub and pages, QR codes, order links."""
