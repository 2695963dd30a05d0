"""Participants: join with consent, vote, add statements, see the map, own their data."""
