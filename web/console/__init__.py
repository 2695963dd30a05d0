"""The facilitator console: consultations, rounds, moderation, maps, tables, reports."""
