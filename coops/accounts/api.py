"""API endpoints about the signed-in user."""

from ninja import Router, Schema

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    language: str
    home_town: str


@router.get("", response=MeOut, summary="The signed-in user")
def me(request):
    return request.auth
