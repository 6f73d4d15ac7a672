"""The demo marketplace and synthetic data, a floor above the domain: the believable demo
(`demo.seed`, with its accounts, catalog, cars, pictures, bids and year of history) and the bulk
load generator for benchmarks (`demo.generate`). Seeding places bids through the domain's services,
as any caller would; the store (`data/`) and the domain never import this package."""

from __future__ import annotations


def seed_demo() -> None:
    """Seed the demo into the store (`demo.seed.seed_demo`, idempotent). Imported on call, so Pillow
    and the catalog load only on an installation in demo mode. (Not named `seed`: importing the
    module `demo.seed` sets that attribute of this package to the module.)"""
    from demo import seed

    seed.seed_demo()
