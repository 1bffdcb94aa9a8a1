"""Record exchange services: tokens, writes by source id, imports, exports, feeds.

Plain functions that change the session and flush; the view (or the CLI) commits once.
"""
