"""Oversight: what admins police: users, the audit log, the review queue, takedowns, backups."""
