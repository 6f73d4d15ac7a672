"""The vocabulary of a car listing: the allowed values of every categorical field."""

from enum import StrEnum


class BodyType(StrEnum):
    HATCHBACK = "hatchback"
    SEDAN = "sedan"
    SUV = "suv"
    MUV = "muv"
    COUPE = "coupe"
    CONVERTIBLE = "convertible"
    WAGON = "wagon"
    PICKUP = "pickup"
    VAN = "van"


class Fuel(StrEnum):
    PETROL = "petrol"
    DIESEL = "diesel"
    CNG = "cng"
    LPG = "lpg"
    HYBRID = "hybrid"
    ELECTRIC = "electric"


class Transmission(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"
    AMT = "amt"
    CVT = "cvt"
    DCT = "dct"


class TitleStatus(StrEnum):
    CLEAN = "clean"
    HYPOTHECATED = "hypothecated"  # under a loan: the lender must release it at sale
    REBUILT = "rebuilt"
    SALVAGE = "salvage"


class Damage(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"
    FLOOD = "flood"
    FIRE = "fire"
