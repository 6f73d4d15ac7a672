"""GET/POST /cars, GET /cars/search, POST /cars/bulk-upload, GET/PUT/DELETE /cars/{id}."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import partial
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from api.deps import CurrentActor, Id, Reads
from api.envelope import Envelope, ErrorEnvelope, error_body, ok
from api.idempotent import once
from api.schemas.cars import SORT_DESCRIPTION, CarCreateIn, CarFieldsIn
from api.services.uploads import cars_upload
from domain.inventory import cars, catalog
from domain.inventory.bulk_upload import MAX_BYTES, UploadSummary
from domain.inventory.catalog import BrowsePage, CarDetail, CarFilters, SortKey
from domain.inventory.vehicle import BodyType, Fuel, TitleStatus, Transmission
from domain.inventory.views import CarView, car_view
from domain.permissions import Actor

router = APIRouter(prefix="/cars", tags=["cars"])
Cursor = Annotated[str | None, Query(max_length=512)]
Limit = Annotated[int, Query(ge=1, le=100)]
SUMMARY = TypeAdapter(UploadSummary)  # the upload builds its answer itself: its status depends on the result


@router.get("")
def car_list(actor: CurrentActor,
             sort: Annotated[SortKey, Query(description=SORT_DESCRIPTION)] = SortKey.NEWEST,
             cursor: Cursor = None, limit: Limit = 24) -> Envelope[BrowsePage]:
    return ok(catalog.car_browse(actor, None, sort, cursor, limit))


async def search_filters(*, text: Annotated[str | None, Query(max_length=100)] = None,
                   make: Annotated[str | None, Query(max_length=40)] = None,
                   model: Annotated[str | None, Query(max_length=60)] = None,
                   year_min: Annotated[int | None, Query(ge=0, le=9999)] = None,
                   year_max: Annotated[int | None, Query(ge=0, le=9999)] = None,
                   price_min: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
                   price_max: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
                   fuel: Fuel | None = None, transmission: Transmission | None = None,
                   body_type: BodyType | None = None,
                   city: Annotated[str | None, Query(max_length=80)] = None,
                   odometer_max: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
                   title_status: TitleStatus | None = None,
                   ending_within_hours: Annotated[int | None, Query(ge=1, le=720)] = None) -> CarFilters:
    return CarFilters(text, make, model, year_min, year_max, price_min, price_max, fuel, transmission,
                      body_type, city, odometer_max, title_status, ending_within_hours)


@router.get("/search")
async def car_search(actor: CurrentActor, cached: Reads, *,
                     filters: Annotated[CarFilters, Depends(search_filters)],
                     sort: Annotated[SortKey, Query(description=SORT_DESCRIPTION)] = SortKey.NEWEST,
                     cursor: Cursor = None, limit: Limit = 24) -> Envelope[BrowsePage]:
    """The same page for everyone signed in (at most a second old)."""
    page = await cached.car_pages.aget((filters, sort, cursor, limit),
                                       lambda: catalog.car_browse(actor, filters, sort, cursor, limit))
    return ok(page)


@router.post("", status_code=201)
def car_create(actor: CurrentActor, body: CarCreateIn) -> Envelope[CarView]:
    fields = body.values()
    fields.pop("dealer_id", None)
    car = cars.car_create(actor, body.dealer_id or actor.dealer_id or 0, fields)
    return ok(car_view(car), "Car listed.")


@router.post("/bulk-upload", response_model=Envelope[UploadSummary],
             responses={201: {"model": Envelope[UploadSummary]}, 422: {"model": ErrorEnvelope}})
async def car_bulk_upload(request: Request, actor: CurrentActor, *,
                          file: Annotated[UploadFile, File(description="The .xlsx workbook")],
                          dealer_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
                          dry_run: Annotated[bool, Form(description="Check only; import nothing")] = False,
                          idempotency_key: Annotated[str | None, Header(min_length=8, max_length=64)] = None,
                          ) -> JSONResponse:
    """A workbook takes seconds, so it runs in the worker's import threads (`API_IMPORT_THREADS`),
    never in the few threads that serve boards and bids."""
    upload = partial(_bulk_upload, actor, file, dealer_id or actor.dealer_id, dry_run, idempotency_key)
    return await to_thread.run_sync(upload, limiter=request.app.state.imports)


def _bulk_upload(actor: Actor, file: UploadFile, store: int | None, dry_run: bool,
                 idempotency_key: str | None) -> JSONResponse:
    data = file.file.read(MAX_BYTES + 1)
    fingerprint = hashlib.sha256(data + f"|{store}|{dry_run}".encode()).hexdigest()

    def work() -> JSONResponse:
        result = cars_upload(actor, store, data, dry_run=dry_run)
        if result.invalid:
            message = f"{result.invalid} of {result.total} rows have problems, so nothing was imported."
            body = error_body(message, data=SUMMARY.dump_python(result, mode="json"))
            return JSONResponse(body, status_code=422)
        status = 200 if dry_run else 201
        message = "Every row is valid." if dry_run else f"Imported {result.imported} cars."
        answer = Envelope[UploadSummary](data=result, message=message)
        return JSONResponse(answer.model_dump(mode="json"), status_code=status)

    return once(actor.id, idempotency_key, endpoint="cars.bulk-upload", fingerprint=fingerprint,
                work=work)


@router.get("/{car_id}")
def car_get(actor: CurrentActor, car_id: Id) -> Envelope[CarDetail]:
    return ok(catalog.car_detail(actor, car_id))


@router.put("/{car_id}")
def car_put(actor: CurrentActor, car_id: Id, body: CarFieldsIn) -> Envelope[CarView]:
    return ok(car_view(cars.car_update(actor, car_id, body.values())), "Car saved.")


@router.delete("/{car_id}")
def car_delete(actor: CurrentActor, car_id: Id) -> Envelope[None]:
    cars.car_delete(actor, car_id)
    return ok(None, "Car removed.")
