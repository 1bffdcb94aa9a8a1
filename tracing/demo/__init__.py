"""Made-up demo data: organisations, users and a few hundred records to match."""
