"""Plain service functions: they change the session and flush; the caller commits."""
