"""Reference data for a believable Indian used-car marketplace demo (prices in INR).

Everything here is static data plus one pure pricing function, so demo seeding
stays reproducible: callers pass their own `random.Random`.
"""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.inventory.vehicle import BodyType, Fuel, Transmission

RGB = tuple[int, int, int]

# Prices are quoted against a fixed year, not today's date, so that demo data
# and tests give the same numbers whenever they run.
PRICE_REFERENCE_YEAR = 2026

MIN_CONDITION_GRADE = 1  # inspection grade: 1 = needs major work ... 5 = like new
MAX_CONDITION_GRADE = 5


@dataclass(frozen=True)
class City:
    name: str
    state: str
    postal_code: str  # Indian PIN code, 6 digits


@dataclass(frozen=True)
class Colour:
    name: str
    rgb: RGB


@dataclass(frozen=True)
class CarModel:
    make: str
    model: str
    variants: tuple[str, ...]
    body_type: BodyType
    fuels: tuple[Fuel, ...]
    transmissions: tuple[Transmission, ...]
    engine_cc: int  # 0 for battery-electric cars
    new_price_inr: int  # typical ex-showroom price of a mid variant
    wmi: str  # world manufacturer identifier used for demo VINs
    years: tuple[int, int]  # first and last model year on sale in India

    @property
    def name(self) -> str:
        return f"{self.make} {self.model}"


CITIES: tuple[City, ...] = (
    City("Mumbai", "Maharashtra", "400053"),
    City("Delhi", "Delhi", "110005"),
    City("Bengaluru", "Karnataka", "560034"),
    City("Hyderabad", "Telangana", "500034"),
    City("Chennai", "Tamil Nadu", "600040"),
    City("Kolkata", "West Bengal", "700019"),
    City("Pune", "Maharashtra", "411001"),
    City("Ahmedabad", "Gujarat", "380009"),
    City("Jaipur", "Rajasthan", "302001"),
    City("Lucknow", "Uttar Pradesh", "226010"),
    City("Chandigarh", "Chandigarh", "160017"),
    City("Kochi", "Kerala", "682016"),
    City("Indore", "Madhya Pradesh", "452001"),
    City("Gurugram", "Haryana", "122001"),
    City("Coimbatore", "Tamil Nadu", "641018"),
    City("Nagpur", "Maharashtra", "440010"),
    City("Bhubaneswar", "Odisha", "751001"),
)

DEALER_NAMES: tuple[str, ...] = (
    "Sharma Motors",
    "Bengaluru Auto Hub",
    "Patel Car Bazaar",
    "Sai Krishna Automobiles",
    "Royal Wheels Pre-Owned",
    "Deccan Car Mart",
    "Capital Auto Traders",
    "Singh Brothers Motors",
    "Gateway Cars",
    "Malabar Motor World",
    "Shree Ganesh Autos",
    "Metro Car Exchange",
    "Lakshmi Motors",
    "Pink City Wheels",
    "Nawab Auto Sales",
    "Apex Certified Cars",
)

COLOURS: tuple[Colour, ...] = (
    Colour("Pearl White", (236, 238, 240)),
    Colour("Silky Silver", (178, 182, 188)),
    Colour("Granite Grey", (98, 102, 108)),
    Colour("Midnight Black", (28, 29, 33)),
    Colour("Fiery Red", (178, 30, 36)),
    Colour("Ocean Blue", (28, 74, 148)),
    Colour("Magma Brown", (104, 72, 52)),
    Colour("Champagne Beige", (206, 188, 156)),
    Colour("Sunset Orange", (222, 104, 32)),
    Colour("Forest Green", (40, 92, 64)),
    Colour("Maroon", (110, 24, 38)),
)

_B, _F, _T = BodyType, Fuel, Transmission
_PETROL_CNG = (_F.PETROL, _F.CNG)
_PETROL_DIESEL = (_F.PETROL, _F.DIESEL)
_MANUAL_AMT = (_T.MANUAL, _T.AMT)
_MANUAL_AUTO = (_T.MANUAL, _T.AUTOMATIC)
_ELECTRIC = (_F.ELECTRIC,)
_AUTO = (_T.AUTOMATIC,)

# WMIs: Indian plants use their real codes where known (MA3 Maruti, MAL Hyundai,
# MAT Tata, MA1 Mahindra, MAK Honda, MBJ Toyota, MEE Renault); the rest are plausible.
MODELS: tuple[CarModel, ...] = (
    # Maruti Suzuki
    CarModel("Maruti Suzuki", "Alto K10", ("STD", "LXi", "VXi", "VXi+"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 998, 450_000, "MA3", (2022, 2026)),
    CarModel("Maruti Suzuki", "Wagon R", ("LXI", "VXI", "ZXI", "ZXI+"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 998, 600_000, "MA3", (2019, 2026)),
    CarModel("Maruti Suzuki", "Swift", ("LXI", "VXI", "VXI (O)", "ZXI", "ZXI+"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 1197, 750_000, "MA3", (2018, 2026)),
    CarModel("Maruti Suzuki", "Baleno", ("Sigma", "Delta", "Zeta", "Alpha"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 1197, 800_000, "MA3", (2016, 2026)),
    CarModel("Maruti Suzuki", "Dzire", ("LXI", "VXI", "ZXI", "ZXI+"), _B.SEDAN,
             _PETROL_CNG, _MANUAL_AMT, 1197, 800_000, "MA3", (2017, 2026)),
    CarModel("Maruti Suzuki", "Ciaz", ("Sigma", "Delta", "Zeta", "Alpha"), _B.SEDAN,
             (_F.PETROL,), _MANUAL_AUTO, 1462, 1_000_000, "MA3", (2018, 2025)),
    CarModel("Maruti Suzuki", "Brezza", ("LXi", "VXi", "ZXi", "ZXi+"), _B.SUV,
             _PETROL_CNG, _MANUAL_AUTO, 1462, 1_100_000, "MA3", (2016, 2026)),
    CarModel("Maruti Suzuki", "Grand Vitara", ("Sigma", "Delta", "Zeta", "Alpha", "Alpha+"),
             _B.SUV, (_F.PETROL, _F.HYBRID, _F.CNG), (_T.MANUAL, _T.AUTOMATIC, _T.CVT),
             1462, 1_500_000, "MA3", (2022, 2026)),
    CarModel("Maruti Suzuki", "Ertiga", ("LXi", "VXi", "ZXi", "ZXi+"), _B.MUV,
             _PETROL_CNG, _MANUAL_AUTO, 1462, 1_050_000, "MA3", (2018, 2026)),
    CarModel("Maruti Suzuki", "Eeco", ("5 STR", "7 STR", "5 STR AC"), _B.VAN,
             _PETROL_CNG, (_T.MANUAL,), 1197, 550_000, "MA3", (2015, 2026)),
    # Hyundai
    CarModel("Hyundai", "Grand i10 Nios", ("Era", "Magna", "Sportz", "Asta"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 1197, 650_000, "MAL", (2019, 2026)),
    CarModel("Hyundai", "i20", ("Era", "Magna", "Sportz", "Asta", "Asta (O)"), _B.HATCHBACK,
             (_F.PETROL,), (_T.MANUAL, _T.CVT, _T.DCT), 1197, 850_000, "MAL", (2020, 2026)),
    CarModel("Hyundai", "Verna", ("EX", "S", "SX", "SX (O)"), _B.SEDAN,
             _PETROL_DIESEL, (_T.MANUAL, _T.CVT, _T.DCT), 1497, 1_350_000, "MAL", (2017, 2026)),
    CarModel("Hyundai", "Venue", ("E", "S", "S (O)", "SX", "SX (O)"), _B.SUV,
             _PETROL_DIESEL, (_T.MANUAL, _T.DCT), 1197, 1_000_000, "MAL", (2019, 2026)),
    CarModel("Hyundai", "Creta", ("E", "EX", "S", "S (O)", "SX", "SX Tech", "SX (O)"), _B.SUV,
             _PETROL_DIESEL, (_T.MANUAL, _T.CVT, _T.AUTOMATIC, _T.DCT), 1497, 1_450_000, "MAL",
             (2015, 2026)),
    CarModel("Hyundai", "Alcazar", ("Executive", "Prestige", "Platinum", "Signature"), _B.SUV,
             _PETROL_DIESEL, (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 1482, 1_900_000, "MAL",
             (2021, 2026)),
    # Tata Motors
    CarModel("Tata", "Tiago", ("XE", "XM", "XT", "XZ+"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 1199, 600_000, "MAT", (2016, 2026)),
    CarModel("Tata", "Altroz", ("XE", "XM+", "XT", "XZ", "XZ+"), _B.HATCHBACK,
             (_F.PETROL, _F.DIESEL, _F.CNG), (_T.MANUAL, _T.DCT), 1199, 800_000, "MAT",
             (2020, 2026)),
    CarModel("Tata", "Tigor", ("XE", "XM", "XZ", "XZ+"), _B.SEDAN,
             _PETROL_CNG, _MANUAL_AMT, 1199, 700_000, "MAT", (2017, 2026)),
    CarModel("Tata", "Punch", ("Pure", "Adventure", "Accomplished", "Creative"), _B.SUV,
             _PETROL_CNG, _MANUAL_AMT, 1199, 750_000, "MAT", (2021, 2026)),
    CarModel("Tata", "Nexon", ("Smart", "Pure", "Creative", "Fearless"), _B.SUV,
             (_F.PETROL, _F.DIESEL, _F.CNG), (_T.MANUAL, _T.AMT, _T.DCT), 1199, 1_050_000, "MAT",
             (2017, 2026)),
    CarModel("Tata", "Nexon EV", ("Creative", "Fearless", "Empowered"), _B.SUV,
             _ELECTRIC, _AUTO, 0, 1_500_000, "MAT", (2020, 2026)),
    CarModel("Tata", "Harrier", ("Smart", "Pure", "Adventure", "Fearless"), _B.SUV,
             (_F.DIESEL,), _MANUAL_AUTO, 1956, 2_000_000, "MAT", (2019, 2026)),
    CarModel("Tata", "Safari", ("Smart", "Pure", "Adventure", "Accomplished"), _B.SUV,
             (_F.DIESEL,), _MANUAL_AUTO, 1956, 2_200_000, "MAT", (2021, 2026)),
    # Mahindra
    CarModel("Mahindra", "XUV 3XO", ("MX1", "MX2", "MX3", "AX5", "AX7"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 1197, 1_100_000, "MA1", (2024, 2026)),
    CarModel("Mahindra", "Thar", ("AX (O)", "LX"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 2184, 1_500_000, "MA1", (2020, 2026)),
    CarModel("Mahindra", "Bolero", ("B4", "B6", "B6 (O)"), _B.SUV,
             (_F.DIESEL,), (_T.MANUAL,), 1493, 1_000_000, "MA1", (2015, 2026)),
    CarModel("Mahindra", "Scorpio-N", ("Z2", "Z4", "Z6", "Z8", "Z8 L"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 2184, 1_800_000, "MA1", (2022, 2026)),
    CarModel("Mahindra", "XUV700", ("MX", "AX3", "AX5", "AX7", "AX7 L"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 2184, 1_900_000, "MA1", (2021, 2026)),
    CarModel("Mahindra", "Marazzo", ("M2", "M4+", "M6+"), _B.MUV,
             (_F.DIESEL,), (_T.MANUAL,), 1497, 1_400_000, "MA1", (2018, 2024)),
    CarModel("Mahindra", "XUV400", ("EC Pro", "EL Pro"), _B.SUV,
             _ELECTRIC, _AUTO, 0, 1_700_000, "MA1", (2023, 2026)),
    # Honda
    CarModel("Honda", "Amaze", ("E", "S", "VX", "ZX"), _B.SEDAN,
             _PETROL_DIESEL, (_T.MANUAL, _T.CVT), 1199, 800_000, "MAK", (2018, 2026)),
    CarModel("Honda", "City", ("SV", "V", "VX", "ZX"), _B.SEDAN,
             (_F.PETROL, _F.DIESEL, _F.HYBRID), (_T.MANUAL, _T.CVT), 1498, 1_300_000, "MAK",
             (2017, 2026)),
    CarModel("Honda", "Elevate", ("SV", "V", "VX", "ZX"), _B.SUV,
             (_F.PETROL,), (_T.MANUAL, _T.CVT), 1498, 1_350_000, "MAK", (2023, 2026)),
    # Toyota
    CarModel("Toyota", "Glanza", ("E", "S", "G", "V"), _B.HATCHBACK,
             _PETROL_CNG, _MANUAL_AMT, 1197, 800_000, "MBJ", (2019, 2026)),
    CarModel("Toyota", "Urban Cruiser Hyryder", ("E", "S", "G", "V"), _B.SUV,
             (_F.PETROL, _F.HYBRID, _F.CNG), (_T.MANUAL, _T.AUTOMATIC, _T.CVT), 1462,
             1_500_000, "MBJ", (2022, 2026)),
    CarModel("Toyota", "Innova Crysta", ("GX", "GX+", "VX", "ZX"), _B.MUV,
             (_F.DIESEL,), _MANUAL_AUTO, 2393, 2_200_000, "MBJ", (2016, 2026)),
    CarModel("Toyota", "Innova Hycross", ("G", "GX", "VX", "ZX", "ZX (O)"), _B.MUV,
             (_F.PETROL, _F.HYBRID), (_T.CVT, _T.AUTOMATIC), 1987, 2_600_000, "MBJ",
             (2022, 2026)),
    CarModel("Toyota", "Fortuner", ("4x2", "4x4", "Legender"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 2755, 4_000_000, "MBJ", (2016, 2026)),
    CarModel("Toyota", "Hilux", ("Standard", "High"), _B.PICKUP,
             (_F.DIESEL,), _MANUAL_AUTO, 2755, 3_300_000, "MBJ", (2022, 2026)),
    # Kia
    CarModel("Kia", "Sonet", ("HTE", "HTK", "HTK+", "HTX", "GTX+"), _B.SUV,
             _PETROL_DIESEL, (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 1197, 1_000_000, "MZB",
             (2020, 2026)),
    CarModel("Kia", "Seltos", ("HTE", "HTK", "HTK+", "HTX", "GTX+", "X-Line"), _B.SUV,
             _PETROL_DIESEL, (_T.MANUAL, _T.CVT, _T.AUTOMATIC, _T.DCT), 1497, 1_500_000, "MZB",
             (2019, 2026)),
    CarModel("Kia", "Carens", ("Premium", "Prestige", "Prestige+", "Luxury", "Luxury+"),
             _B.MUV, _PETROL_DIESEL, (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 1497, 1_500_000, "MZB",
             (2022, 2026)),
    # MG
    CarModel("MG", "Comet EV", ("Executive", "Excite", "Exclusive"), _B.HATCHBACK,
             _ELECTRIC, _AUTO, 0, 700_000, "MZ7", (2023, 2026)),
    CarModel("MG", "Hector", ("Style", "Shine Pro", "Select Pro", "Smart Pro", "Sharp Pro"),
             _B.SUV, _PETROL_DIESEL, (_T.MANUAL, _T.CVT), 1451, 1_800_000, "MZ7", (2019, 2026)),
    CarModel("MG", "ZS EV", ("Executive", "Excite Pro", "Exclusive Plus"), _B.SUV,
             _ELECTRIC, _AUTO, 0, 2_200_000, "MZ7", (2020, 2026)),
    # Skoda and Volkswagen (built in Pune on the same platform)
    CarModel("Skoda", "Slavia", ("Active", "Ambition", "Style", "Monte Carlo"), _B.SEDAN,
             (_F.PETROL,), (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 999, 1_400_000, "MEX",
             (2022, 2026)),
    CarModel("Skoda", "Kushaq", ("Active", "Ambition", "Style", "Monte Carlo"), _B.SUV,
             (_F.PETROL,), (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 999, 1_400_000, "MEX",
             (2021, 2026)),
    CarModel("Volkswagen", "Polo", ("Trendline", "Comfortline", "Highline Plus", "GT TSI"),
             _B.HATCHBACK, (_F.PETROL,), _MANUAL_AUTO, 999, 750_000, "MEX", (2016, 2022)),
    CarModel("Volkswagen", "Virtus", ("Comfortline", "Highline", "Topline", "GT Plus"),
             _B.SEDAN, (_F.PETROL,), (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 999, 1_400_000, "MEX",
             (2022, 2026)),
    CarModel("Volkswagen", "Taigun", ("Comfortline", "Highline", "Topline", "GT Plus"),
             _B.SUV, (_F.PETROL,), (_T.MANUAL, _T.AUTOMATIC, _T.DCT), 999, 1_450_000, "MEX",
             (2021, 2026)),
    # Renault and Nissan (built in Chennai)
    CarModel("Renault", "Kwid", ("RXE", "RXL", "RXT", "Climber"), _B.HATCHBACK,
             (_F.PETROL,), _MANUAL_AMT, 999, 500_000, "MEE", (2016, 2026)),
    CarModel("Renault", "Triber", ("RXE", "RXL", "RXT", "RXZ"), _B.MUV,
             (_F.PETROL,), _MANUAL_AMT, 999, 700_000, "MEE", (2019, 2026)),
    CarModel("Renault", "Kiger", ("RXE", "RXL", "RXT", "RXZ"), _B.SUV,
             (_F.PETROL,), (_T.MANUAL, _T.AMT, _T.CVT), 999, 800_000, "MEE", (2021, 2026)),
    CarModel("Nissan", "Magnite", ("XE", "XL", "XV", "XV Premium"), _B.SUV,
             (_F.PETROL,), (_T.MANUAL, _T.AMT, _T.CVT), 999, 800_000, "MDH", (2020, 2026)),
    # Imports and enthusiast cars, so every body type has listings
    CarModel("Isuzu", "D-Max V-Cross", ("Z", "Z Prestige"), _B.PICKUP,
             (_F.DIESEL,), _MANUAL_AUTO, 1898, 2_600_000, "MPA", (2019, 2026)),
    CarModel("Ford", "EcoSport", ("Ambiente", "Trend", "Titanium", "Titanium+"), _B.SUV,
             _PETROL_DIESEL, _MANUAL_AUTO, 1497, 1_050_000, "MAJ", (2013, 2021)),
    CarModel("Ford", "Mustang", ("GT Fastback",), _B.COUPE,
             (_F.PETROL,), _AUTO, 4951, 7_500_000, "1FA", (2016, 2021)),
    CarModel("BMW", "Z4", ("sDrive20i", "M40i"), _B.CONVERTIBLE,
             (_F.PETROL,), _AUTO, 2998, 9_000_000, "WBA", (2019, 2026)),
    CarModel("Volvo", "V90 Cross Country", ("D5 Inscription",), _B.WAGON,
             (_F.DIESEL,), _AUTO, 1969, 6_100_000, "YV1", (2017, 2021)),
)  # fmt: skip


def used_price_inr(
    model: CarModel, year: int, odometer_km: int, condition_grade: int, rng: random.Random
) -> int:
    """A believable asking price in INR for a used `model`, rounded to the nearest 1,000."""
    _check_condition_grade(condition_grade)
    age = max(0, PRICE_REFERENCE_YEAR - year)
    price = (
        Decimal(model.new_price_inr)
        * _age_factor(age)
        * _mileage_factor(age, odometer_km)
        * _CONDITION_FACTORS[condition_grade]
        * _noise_factor(rng)
    )
    return _round_to_thousand(price)


# Indian resale guides: roughly 15% gone on registration, then ~9% a year.
_FIRST_YEAR_FACTOR = Decimal("0.85")
_YEARLY_RETENTION = Decimal("0.91")
_AGE_FLOOR = Decimal("0.10")  # even a tired old car sells for scrap-plus

_EXPECTED_KM_PER_YEAR = 12_000
_KM_PER_PERCENT = 5_000  # every 5,000 km away from typical use moves price ~1%
_MILEAGE_FACTOR_RANGE = (Decimal("0.75"), Decimal("1.04"))

_CONDITION_FACTORS: dict[int, Decimal] = {
    1: Decimal("0.70"),
    2: Decimal("0.82"),
    3: Decimal("0.92"),
    4: Decimal("1.00"),
    5: Decimal("1.04"),
}

_NOISE_PER_MILLE = 40  # dealer haggling room: +/- 4%


def _check_condition_grade(grade: int) -> None:
    if not MIN_CONDITION_GRADE <= grade <= MAX_CONDITION_GRADE:
        raise ValueError(
            f"condition_grade must be between {MIN_CONDITION_GRADE} and {MAX_CONDITION_GRADE}; got {grade}."
        )


def _age_factor(age: int) -> Decimal:
    return max(_AGE_FLOOR, _FIRST_YEAR_FACTOR * _YEARLY_RETENTION**age)


def _mileage_factor(age: int, odometer_km: int) -> Decimal:
    if odometer_km < 0:
        raise ValueError(f"odometer_km cannot be negative; got {odometer_km}.")
    expected_km = max(1, age) * _EXPECTED_KM_PER_YEAR
    excess_percent = Decimal(odometer_km - expected_km) / _KM_PER_PERCENT
    low, high = _MILEAGE_FACTOR_RANGE
    return min(high, max(low, 1 - excess_percent / 100))


def _noise_factor(rng: random.Random) -> Decimal:
    return 1 + Decimal(rng.randint(-_NOISE_PER_MILLE, _NOISE_PER_MILLE)) / 1000


def _round_to_thousand(price: Decimal) -> int:
    thousands = (price / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(thousands) * 1000
