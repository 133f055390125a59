"""Pure pricing functions: one parcel (scalar) or many (numpy)."""
