"""Pages for the people area: the list, a person's record, edit, exit and anonymise."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import admin_required, roles_required
from atelier.extensions import db
from atelier.forms import submit
from atelier.people import services
from atelier.people.forms import GENDER_LABELS, BeneficiaryForm

bp = Blueprint("people", __name__)

nav.register("people.index", _l("People"), ["admin", "supervisor"], order=10, icon="people")


@bp.route("/people", methods=["GET", "POST"])
@roles_required("supervisor")
def index():
    """The people of her sites, and a form to add someone."""
    form = BeneficiaryForm()
    form.fill_choices(current_user)
    done = submit(
        form,
        lambda: services.create_beneficiary(**form.values(), actor=current_user),
        lambda person: _("Saved. Maker code: %(code)s", code=person.maker_code),
        url_for("people.index"),
    )
    if done:
        return done
    # the coordinator's reminder that someone who left still awaits erasure
    awaiting = request.args.get("left") == "1" and services.may_erase(current_user)
    people = services.browse_beneficiaries(
        current_user, request.args.get("site") or None, awaiting_erasure=awaiting
    )
    db.session.commit()  # the audited read
    return render_template(
        "people/index.html",
        people=people,
        form=form,
        genders=GENDER_LABELS,
        awaiting_erasure=awaiting,
    )


@bp.route("/people/<int:person_id>")
@roles_required("supervisor")
def show(person_id: int):
    """A person's record (the read is audited)."""
    person = services.read_beneficiary(current_user, person_id)
    db.session.commit()
    return render_template("people/show.html", person=person, genders=GENDER_LABELS)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required("supervisor")
def edit(person_id: int):
    """Change a person's record."""
    person = services.read_beneficiary(current_user, person_id)
    form = BeneficiaryForm(obj=person, site=person.site.code, programme=person.programme.code)
    form.fill_choices(current_user)
    done = submit(
        form,
        lambda: services.update_beneficiary(current_user, person_id, **form.values()),
        _("Saved."),
        url_for("people.show", person_id=person_id),
    )
    if done:
        return done
    db.session.commit()
    return render_template("people/edit.html", person=person, form=form)


@bp.route("/people/<int:person_id>/exit", methods=["POST"], endpoint="exit")
@admin_required
def exit_(person_id: int):
    """Mark that she has left the programme."""
    services.exit_beneficiary(current_user, person_id)
    db.session.commit()
    flash(_("Marked as left."), "success")
    return redirect(url_for("people.show", person_id=person_id))


@bp.route("/people/<int:person_id>/anonymise", methods=["POST"])
@admin_required
def anonymise(person_id: int):
    """Erase her identity; pseudonymous payroll records stay."""
    person = services.get_beneficiary(current_user, person_id)
    services.anonymise(person, current_user)
    db.session.commit()
    flash(_("Anonymised. Her name is gone; her maker code stays on payroll records."), "success")
    return redirect(url_for("people.show", person_id=person_id))
