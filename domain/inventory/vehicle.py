"""The vocabulary of a car listing: the allowed values of every categorical field (stored values,
defined with the store's other vocabularies in `data.enums`)."""

from data.enums import BodyType, Damage, Fuel, TitleStatus, Transmission

__all__ = ["BodyType", "Damage", "Fuel", "TitleStatus", "Transmission"]  # re-exported
