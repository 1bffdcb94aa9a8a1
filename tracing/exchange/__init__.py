"""Record exchange formats: CSV, JSON Lines and PFIF 1.4 XML, read and written.

Pure functions over bytes, text and plain dictionaries; no Flask, no database. Every
format reads into the same :class:`~tracing.exchange.fields.RawRow` (PFIF 1.4 field
names, plus this system's own fields), which :mod:`tracing.exchange.validation` checks;
the services in :mod:`tracing.services.exchange` write what passed.

The PFIF 1.4 schema in ``schema/`` is part of the published specification
(http://zesty.ca/pfif/1.4/); the tests validate every PFIF export against it.
"""
