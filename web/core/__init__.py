"""What every audience shares: the app factory, identity, the route loader, errors, bodies,
translations, templates, security middleware and throttles."""
