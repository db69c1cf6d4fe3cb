"""API calls for the people area (see API.md): register and list beneficiaries."""

from datetime import date

from flask import jsonify, request
from flask_login import current_user
from pydantic import AliasPath, Field

from atelier.api.core import Body, Out, api_route, parse, sized
from atelier.enums import Gender, literal
from atelier.extensions import db
from atelier.people import services
from atelier.people.models import Beneficiary


class BeneficiaryRequest(Body):
    """A new beneficiary."""

    display_name: str = sized(Beneficiary.display_name)
    site: str
    programme: str
    birth_year: int | None = None
    gender: literal(Gender) = "undisclosed"
    public_name_consent: bool = False


class BeneficiaryOut(Out):
    """A person as staff of her site see her."""

    id: int
    display_name: str
    maker_code: str
    site: str = Field(validation_alias=AliasPath("site", "code"))
    programme: str = Field(validation_alias=AliasPath("programme", "code"))
    birth_year: int | None
    gender: str
    public_name_consent: bool
    is_exited: bool
    exited_on: date | None


@api_route(
    "/beneficiaries",
    "POST",
    "Register a beneficiary; she gets a random maker code.",
    body=BeneficiaryRequest,
    roles=("supervisor",),
    response=BeneficiaryOut,
    status=201,
    errors=(404,),
)
def create_beneficiary():
    """201 with the person and her maker code."""
    data = parse(BeneficiaryRequest)
    person = services.create_beneficiary(
        data.display_name,
        data.site,
        data.programme,
        data.birth_year,
        data.gender,
        data.public_name_consent,
        actor=current_user,
    )
    db.session.commit()
    return jsonify(BeneficiaryOut.of(person)), 201


@api_route(
    "/beneficiaries",
    "GET",
    "List the beneficiaries of your sites (?site=ORA).",
    roles=("supervisor",),
    response=list[BeneficiaryOut],
    query={"site": {"type": "string"}},
    errors=(404,),
)
def list_beneficiaries():
    """200 with a list of people; the read is audited."""
    site = request.args.get("site") or None
    people = [BeneficiaryOut.of(p) for p in services.browse_beneficiaries(current_user, site)]
    db.session.commit()  # the audited read
    return jsonify(people)
