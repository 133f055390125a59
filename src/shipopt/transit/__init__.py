"""Delivery dates with confidence: transit times learned from the shipper's own tracking
history (``history``: the format and reader; ``generate``: a sample history with a known
truth; ``fit``: the model; ``model``: its file and its answers)."""
