"""Table hosts: log in with the session's code, then bring in what the table thinks."""
