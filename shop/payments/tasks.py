"""Payments have no background jobs yet: provider events arrive through the webhook (webhooks.py)."""
