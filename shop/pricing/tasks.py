"""Pricing has no background work yet: vouchers and rates change only when staff change them."""
