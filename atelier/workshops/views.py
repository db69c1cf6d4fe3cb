"""Pages for workshops: the list, a workshop with its sessions, the roll-call, her training."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import formatting, nav
from atelier.authz import roles_required
from atelier.errors import DomainError, Invalid
from atelier.extensions import db
from atelier.forms import answer_json, attempt, submit
from atelier.money import parse_cents
from atelier.people.forms import BeneficiaryForm
from atelier.workshops import attendance, rules, services, sessions
from atelier.workshops.forms import KIND_LABELS, ParticipantsForm, SessionForm, WorkshopForm

bp = Blueprint("workshops", __name__)

nav.register("workshops.index", _l("Workshops"), ["admin", "supervisor"], order=12, icon="workshop")
nav.register("workshops.today", _l("Roll-call"), ["admin", "supervisor"], order=11, icon="roll")
nav.register("workshops.my_training", _l("My training"), ["beneficiary"], order=20, icon="training")


@bp.route("/workshops", methods=["GET", "POST"])
@roles_required("supervisor")
def index():
    """Her sites' workshops (today's roll one tap away) and a form to start one."""
    form = WorkshopForm()
    choices = BeneficiaryForm()
    choices.fill_choices(current_user)
    form.site.choices, form.programme.choices = choices.site.choices, choices.programme.choices
    done = submit(
        form,
        lambda: services.create_workshop(
            form.title.data,
            form.kind.data,
            form.site.data,
            form.programme.data,
            parse_cents(form.stipend.data or "0"),
            actor=current_user,
            default_hours=form.default_hours.data or None,
        ),
        _("Workshop saved. Add its people and sessions."),
        lambda workshop: url_for("workshops.show", workshop_id=workshop.id),
    )
    return done or render_template(
        "workshops/index.html",
        cards=services.list_workshops(current_user),
        form=form,
        kinds=KIND_LABELS,
        currency=current_app.config["PAYROLL_CURRENCY"],
    )


@bp.route("/roll")
@roles_required("supervisor")
def today():
    """Today's roll-call: a big tile per session held today, one tap to its roll."""
    return render_template(
        "workshops/today.html", cards=services.list_workshops(current_user), kinds=KIND_LABELS
    )


@bp.route("/workshops/<int:workshop_id>")
@roles_required("supervisor")
def show(workshop_id: int):
    """A workshop: its sessions, each person's attendance rate, and forms to add more."""
    workshop, session_rows, people = services.workshop_overview(current_user, workshop_id)
    session_form = SessionForm(held_on=services.site_today(workshop.site))
    session_form.preselect(sessions.usual_centihours(workshop))
    add_form = ParticipantsForm()
    add_form.people.choices = {
        p.maker_code: p.display_name for p in services.site_people_not_in(workshop)
    }
    db.session.commit()  # the audited read
    return render_template(
        "workshops/show.html",
        workshop=workshop,
        sessions=session_rows,
        people=people,
        session_form=session_form,
        add_form=add_form,
        kinds=KIND_LABELS,
        currency=current_app.config["PAYROLL_CURRENCY"],
    )


@bp.route("/workshops/<int:workshop_id>/sessions", methods=["POST"])
@roles_required("supervisor")
def create_session(workshop_id: int):
    """Add a session and go straight to its roll."""
    services.get_workshop(current_user, workshop_id)
    form = SessionForm()
    if not form.validate():
        raise Invalid(_("Choose a date and the hours."), {k: v[0] for k, v in form.errors.items()})
    session = sessions.create_session(
        current_user, workshop_id, form.held_on.data, form.hours.data or None
    )
    db.session.commit()
    flash(_("Session added."), "success")
    return redirect(url_for("workshops.roll", session_id=session.id))


@bp.route("/workshops/<int:workshop_id>/usual-hours", methods=["POST"])
@roles_required("supervisor")
def set_usual_hours(workshop_id: int):
    """Set the usual length of the workshop's sessions (new sessions take it)."""
    services.get_workshop(current_user, workshop_id)  # 403/404 as such, not as a message
    back = url_for("workshops.show", workshop_id=workshop_id) + "#new-session"
    return attempt(
        lambda: sessions.set_usual_hours(
            current_user, workshop_id, request.form.get("default_hours", "").strip()
        ),
        _("Saved."),
        back,
        _flash_fields,
    ) or redirect(back)


def _flash_fields(exc: DomainError) -> None:
    """Say why it was refused, with the field's reason."""
    flash(" ".join([exc.message, *exc.fields.values()]), "error")


@bp.route("/workshops/<int:workshop_id>/participants", methods=["POST"])
@roles_required("supervisor")
def add_participants(workshop_id: int):
    """Add people of the site to the workshop."""
    services.get_workshop(current_user, workshop_id)
    services.add_participants(current_user, workshop_id, request.form.getlist("people"))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop_id))


@bp.route("/workshops/<int:workshop_id>/participants/<int:person_id>/remove", methods=["POST"])
@roles_required("supervisor")
def remove_participant(workshop_id: int, person_id: int):
    """Take someone off the workshop's list (her past attendance stays)."""
    services.remove_participant(current_user, workshop_id, person_id)
    db.session.commit()
    flash(_("Removed from the workshop."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop_id))


@bp.route("/sessions/<int:session_id>/roll")
@roles_required("supervisor")
def roll(session_id: int):
    """The roll-call screen: a tile per person, tap to cycle, one Save."""
    found = attendance.roll_for(current_user, session_id)
    db.session.commit()  # the audited read
    return render_template("workshops/roll.html", roll=found)


@bp.route("/sessions/<int:session_id>/roll", methods=["POST"])
@roles_required("supervisor")
def save_roll(session_id: int):
    """Save the roll sent by the roll-call screen as JSON (with the session's hours if the
    supervisor changed them); answers JSON, errors included."""
    return answer_json(lambda: _save_roll(session_id, request.get_json(silent=True)), commit=True)


def _save_roll(session_id: int, body) -> dict:
    """Mark the roll (and set the hours, if sent): the roll's counts, the saved message and
    the session's hours as shown."""
    # keep a reference: the identity map is weak, and the service loads it again
    session = attendance.load_session(current_user, session_id)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("beneficiary"), str)
        and isinstance(r.get("status"), str)
        for r in records
    ):
        raise Invalid(_("The roll could not be read."), {"records": "a list of marks"})
    hours = body.get("hours")
    if hours is not None:
        if not isinstance(hours, str):
            raise Invalid(_("The roll could not be read."), {"hours": "a decimal string"})
        session = sessions.set_session_hours(current_user, session_id, hours)
    if records or hours is None:
        counts = attendance.set_attendance(
            current_user, session_id, [(r["beneficiary"], r["status"]) for r in records]
        )
    else:
        counts = attendance.roll_counts(session_id)
    return {"counts": counts, "message": _("Saved."), "hours": formatting.hours(session.centihours)}


@bp.route("/me/training")
@roles_required("beneficiary")
def my_training():
    """Her sessions and training hours, on her phone."""
    if current_user.beneficiary_id is None:
        record = attendance.TrainingRecord([], 0, rules.Tally())
    else:
        record = attendance.my_training(current_user.beneficiary_id)
    return render_template("workshops/my_training.html", record=record, kinds=KIND_LABELS)
