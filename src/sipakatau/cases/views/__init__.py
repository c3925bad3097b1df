"""The case pages, split by concept: intake, the case page, records on it, workflow,
lists. Every view starts with one scoped fetch from ``queries`` (404 when out of scope),
parses with a form, calls a service, and redirects."""
