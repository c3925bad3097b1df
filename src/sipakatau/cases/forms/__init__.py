"""Forms of the case pages: they parse what was typed; the services decide and write."""
