"""Inventory: what a valid car is, dealers' cars, browsing, photos and the Excel upload."""
