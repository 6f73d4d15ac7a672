"""GET /users (admin), GET/PUT/DELETE /users/{id}, GET/PUT /users/{id}/profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentActor, Id
from api.envelope import Envelope, PageParams, ok, page_params, paged
from api.schemas.users import DeleteAccountIn, ProfileIn, UserChangeIn
from api.services import users
from domain.accounts.users import Profile, UserView, user_view
from domain.oversight.admin import user_search
from domain.types import Role, UserStatus

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def user_list(actor: CurrentActor, page: Annotated[PageParams, Depends(page_params)],
              q: Annotated[str, Query(max_length=100)] = "", role: Role | None = None,
              status: UserStatus | None = None) -> Envelope[list[UserView]]:
    rows, total = user_search(actor, text=q, role=role, status=status, limit=page.limit,
                              offset=page.offset)
    return paged(rows, total, page)


@router.get("/{user_id}")
def user_get(actor: CurrentActor, user_id: Id) -> Envelope[UserView]:
    return ok(user_view(actor, user_id))


@router.put("/{user_id}")
def user_put(actor: CurrentActor, user_id: Id, body: UserChangeIn) -> Envelope[UserView]:
    change = users.UserChange(roles=set(body.roles) if body.roles is not None else None,
                              status=body.status, reason=body.reason,
                              current_password=body.current_password, new_password=body.new_password)
    return ok(users.user_change(actor, user_id, change), "Saved.")


@router.delete("/{user_id}")
def user_delete(actor: CurrentActor, user_id: Id, body: DeleteAccountIn) -> Envelope[None]:
    users.user_remove(actor, user_id, password=body.password)
    return ok(None, "The account is deleted.")


@router.get("/{user_id}/profile")
def profile_get(actor: CurrentActor, user_id: Id) -> Envelope[Profile]:
    return ok(user_view(actor, user_id))  # its profile part (the answer's type)


@router.put("/{user_id}/profile")
def profile_put(actor: CurrentActor, user_id: Id, body: ProfileIn) -> Envelope[Profile]:
    view = users.profile_edit(actor, user_id, name=body.name, phone=body.phone, city=body.city,
                              timezone=body.timezone)
    return ok(view, "Profile saved.")
