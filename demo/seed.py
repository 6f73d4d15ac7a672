"""The demo marketplace: accounts for every role, a dozen verified dealers in real cities, bidders,
and (from `demo.inventory`) cars with offline pictures and auctions in every state.

Idempotent: a store that already has the demo admin is left as it is. Also a command for any
migrated store: `python -m demo` (or `python -m demo.seed`).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlmodel import select

from data.media import get_media_store
from data.models import Dealer, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from demo.accounts import DEMO_ACCOUNTS, DemoAccount
from demo.bids import seed_bids
from demo.cars import Pictures
from demo.catalog import CITIES
from demo.fees import seed_fees
from demo.history import seed_history
from demo.inventory import seed_inventory
from domain.accounts.security import hash_password
from domain.types import DealerStatus, Role

SEED = 20_26
# A dozen stores, each in a city its name fits (Copart-style regional yards).
DEMO_STORES = (
    ("Gateway Cars", "Mumbai"), ("Capital Auto Traders", "Delhi"), ("Bengaluru Auto Hub", "Bengaluru"),
    ("Deccan Car Mart", "Hyderabad"), ("Sai Krishna Automobiles", "Chennai"),
    ("Metro Car Exchange", "Kolkata"), ("Shree Ganesh Autos", "Pune"), ("Patel Car Bazaar", "Ahmedabad"),
    ("Pink City Wheels", "Jaipur"), ("Nawab Auto Sales", "Lucknow"), ("Singh Brothers Motors", "Chandigarh"),
    ("Malabar Motor World", "Kochi"),
)
BIDDER_NAMES = (
    "Aarav Gupta", "Diya Nair", "Kabir Singh", "Meera Pillai", "Arjun Reddy", "Sneha Kulkarni",
    "Ishaan Chatterjee", "Ananya Das", "Vivaan Joshi", "Kavya Menon", "Reyansh Bose", "Tara Kapoor",
    "Aditya Verma", "Nisha Patel", "Rahul Saxena", "Pooja Hegde", "Siddharth Rao", "Zoya Khan",
)


@dataclass(frozen=True)
class SeedReport:
    created: bool
    dealers: int = 0
    bidders: int = 0
    cars: int = 0
    auctions: int = 0
    bids: int = 0


def seed_demo() -> SeedReport:
    with UnitOfWork() as uow:  # a write transaction: two processes starting at once seed once
        marker = DEMO_ACCOUNTS[0].email
        if uow.session.exec(select(User.id).where(User.email == marker)).first() is not None:
            return SeedReport(created=False)
        rng = random.Random(SEED)
        accounts = {a.role: _account(uow, a) for a in DEMO_ACCOUNTS}
        stores = _dealers(uow, owner_of_first=accounts[Role.DEALER])
        bidders = [_user(uow, name, f"bidder{i + 1}@demo.autogavel.in", {Role.BIDDER})
                   for i, name in enumerate(BIDDER_NAMES)]
        now, pictures = utcnow(), Pictures(get_media_store())
        cars, auctions = seed_inventory(uow, stores=stores, rng=rng, now=now, pictures=pictures)
        # A year of finished sales, written in bulk by the rules (its own random stream: the stock
        # and the live auctions stay what they were).
        past = seed_history(uow, stores=stores, rng=random.Random(SEED + 1), now=now, pictures=pictures,
                            fees=seed_fees(uow))
        uow.audit(actor_id=None, action="seed_demo", entity="system", entity_id=None,
                  after={"dealers": len(stores), "cars": cars, "auctions": auctions, "history_bids": past})
        uow.commit()
    bids = seed_bids()  # live and recent lots through the real bidding service, after the commit
    return SeedReport(True, len(stores), len(bidders) + 1, cars, auctions, bids + past)


def _user(uow: UnitOfWork, name: str, email: str, roles: set[Role], password: str | None = None) -> User:
    """Demo users other than the listed accounts get an unusable password: nobody signs in as them."""
    hashed = hash_password(password) if password else "!" + secrets.token_hex(16)
    user = User(email=email, name=name, password_hash=hashed, email_verified_at=utcnow())
    uow.session.add(user)
    uow.session.flush()
    uow.session.add_all(UserRole(user_id=user.id or 0, role=r) for r in sorted(roles))
    return user


def _account(uow: UnitOfWork, account: DemoAccount) -> User:
    return _user(uow, account.name, account.email, set(account.roles), account.password)


def _dealers(uow: UnitOfWork, *, owner_of_first: User) -> list[Dealer]:
    stores = []
    cities = {city.name: city for city in CITIES}
    for index, (store_name, city_name) in enumerate(DEMO_STORES):
        city = cities[city_name]
        owner = owner_of_first if index == 0 else _user(
            uow, f"{store_name} Owner", f"dealer{index + 1}@demo.autogavel.in", {Role.BIDDER, Role.DEALER})
        store = Dealer(user_id=owner.id or 0, store_name=store_name, city=city.name,
                       address=f"{10 + index * 7}, Main Road, {city.name}, {city.state}",
                       postal_code=city.postal_code, phone=f"+91 98{index:03d} 4{index:02d}21",
                       status=DealerStatus.VERIFIED, reviewed_at=utcnow())
        uow.session.add(store)
        stores.append(store)
    uow.session.flush()
    return stores


def main() -> None:
    report = seed_demo()
    if report.created:
        print(f"Seeded the demo: {report.dealers} dealers, {report.bidders} bidders, "
              f"{report.cars} cars, {report.auctions} auctions, {report.bids} bids.")
        for account in DEMO_ACCOUNTS:
            print(f"  {account.role:8} {account.email:32} {account.password}")
    else:
        print("The demo is already in this store; nothing changed.")


if __name__ == "__main__":
    main()
