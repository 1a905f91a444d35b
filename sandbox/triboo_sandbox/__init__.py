"""A faithful local Triboo server: seeded data, OAuth2, rate limits, faults and quirks."""
