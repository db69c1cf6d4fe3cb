"""API: setting up sites, programmes and users (admin)."""

from flask import jsonify
from flask_login import current_user
from pydantic import Field, field_validator

from atelier.api.core import Body, Out, api_route, parse, sized
from atelier.auth import services as auth_services
from atelier.auth.models import User
from atelier.enums import Role, SiteKind, literal
from atelier.extensions import db
from atelier.org import services
from atelier.org.models import Programme, Site


class SiteRequest(Body):
    """A new site."""

    code: str
    name: str = sized(Site.name)
    kind: literal(SiteKind)
    currency: str
    timezone: str
    city: str = sized(Site.city, "")


class ProgrammeRequest(Body):
    """A new programme."""

    code: str
    name: str = sized(Programme.name)


class UserRequest(Body):
    """A new account."""

    username: str = sized(User.username)
    password: str = Field(max_length=200)
    role: literal(Role)
    sites: list[str] = Field([], max_length=100)
    beneficiary: str | None = None


class SiteOut(Out):
    """A site."""

    id: int
    code: str
    name: str
    kind: str
    currency: str
    timezone: str
    city: str


class ProgrammeOut(Out):
    """A programme."""

    id: int
    code: str
    name: str


class UserOut(Out):
    """An account (never its password): its sites' codes in order."""

    id: int
    username: str
    role: str
    sites: list[str]

    @field_validator("sites", mode="before")
    @classmethod
    def _codes(cls, sites):
        return sorted(s.code for s in sites)


@api_route(
    "/sites",
    "POST",
    "Create a site.",
    body=SiteRequest,
    response=SiteOut,
    status=201,
    errors=(409,),
)
def create_site():
    """201 with the site."""
    data = parse(SiteRequest)
    site = services.create_site(
        data.code, data.name, data.kind, data.currency, data.timezone, data.city, actor=current_user
    )
    db.session.commit()
    return jsonify(SiteOut.of(site)), 201


@api_route(
    "/programmes",
    "POST",
    "Create a programme.",
    body=ProgrammeRequest,
    response=ProgrammeOut,
    status=201,
    errors=(409,),
)
def create_programme():
    """201 with the programme."""
    data = parse(ProgrammeRequest)
    programme = services.create_programme(data.code, data.name, actor=current_user)
    db.session.commit()
    return jsonify(ProgrammeOut.of(programme)), 201


@api_route(
    "/users",
    "POST",
    "Create a user account.",
    body=UserRequest,
    response=UserOut,
    status=201,
    errors=(404, 409),
)
def create_user():
    """201 with the account (never its password)."""
    data = parse(UserRequest)
    user = auth_services.create_user(
        data.username, data.password, data.role, data.sites, data.beneficiary, actor=current_user
    )
    db.session.commit()
    return jsonify(UserOut.of(user)), 201
