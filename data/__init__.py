"""Persistence: settings, the engine, table models, the unit of work, migrations, demo data."""
