"""Read models shared by several audiences: the opinion map, the room figures, similarity."""
