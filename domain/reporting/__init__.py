"""Reporting: who may see which figures, a store's own figures, prepared downloads."""
