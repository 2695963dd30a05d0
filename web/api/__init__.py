"""The JSON API under ``/api/``: the same actions as the pages, for apps and integrations."""
