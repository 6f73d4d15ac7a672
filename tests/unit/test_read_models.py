"""One definition per read model (issue #11): the API answers with the domain's read models as they
are, so a field added to one shows in the pages and the API alike. api/schemas/ declares what the API
takes in, and only the shapes that are the API's own."""

from __future__ import annotations

import inspect
import types
import typing
from datetime import UTC, datetime

from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter

import api.schemas.auctions
import api.schemas.bids
import api.schemas.cars
import api.schemas.dealers
import api.schemas.lots
import api.schemas.users
from api.envelope import Envelope
from api.main import ROUTERS
from api.strict import StrictIn
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import AuctionCard, NextLot

# The API's own answer, a read model of no domain selector: its token pair.
API_OWN = {"TokensOut"}
SCHEMAS = (api.schemas.auctions, api.schemas.bids, api.schemas.cars, api.schemas.dealers, api.schemas.lots,
           api.schemas.users)


def answer_types() -> dict[str, set[type]]:
    """Each route's answer (what its envelope's `data` holds), unwrapped from lists and optionals."""
    found: dict[str, set[type]] = {}
    for route in (route for router in ROUTERS for route in router.routes):
        model = getattr(route, "response_model", None)
        if isinstance(route, APIRoute) and isinstance(model, type) and issubclass(model, Envelope):
            found[f"{sorted(route.methods)} {route.path}"] = _classes(model.model_fields["data"].annotation)
    return found


def _classes(annotation: object) -> set[type]:
    args = typing.get_args(annotation)
    if args and (typing.get_origin(annotation) in (list, typing.Union, types.UnionType)):
        return set().union(*(_classes(arg) for arg in args))
    return {annotation} if isinstance(annotation, type) and annotation is not type(None) else set()


def test_every_answer_is_a_read_model_the_domain_returns() -> None:
    """Defined in the domain, or by a selector of the store the domain re-exports (`data/watch_store.py`)."""
    answers = answer_types()
    assert len(answers) > 30  # the rule saw the routes
    strays = {route: sorted(c.__qualname__ for c in classes
                            if c.__module__.split(".")[0] not in ("domain", "data", "builtins")
                            and c.__name__ not in API_OWN)
              for route, classes in answers.items()}
    assert not {route: names for route, names in strays.items() if names}


def test_the_api_schemas_declare_inputs_and_only_the_api_s_own_answers() -> None:
    declared = {name: cls for module in SCHEMAS for name, cls in inspect.getmembers(module, inspect.isclass)
                if cls.__module__ == module.__name__ and issubclass(cls, BaseModel)}
    assert declared  # the rule saw the schemas
    assert {name for name, cls in declared.items() if not issubclass(cls, StrictIn)} == API_OWN


def test_a_read_model_keeps_what_only_the_pages_show_out_of_the_api_s_answer() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    card = AuctionCard(1, "Sale", "Store", "Pune", Phase.LIVE, now, now, 2, 3, 4, None, "photo-key", 1,
                       NextLot(7, 1, None, 100, now, 0))
    answer = TypeAdapter(AuctionCard).dump_python(card, mode="json")
    assert "cover_photo" not in answer and "next_lot" not in answer and answer["title"] == "Sale"
    assert card.cover_photo == "photo-key" and card.next_lot is not None  # the pages' card has them
