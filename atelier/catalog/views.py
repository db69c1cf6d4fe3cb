"""Pages for the catalogue: product types (admin) and their photos (public, cached)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import admin_required
from atelier.catalog import services
from atelier.catalog.forms import DetailsForm, ProductForm, RuleForm, rule_values
from atelier.catalog.photos import photo_url
from atelier.db import utcnow
from atelier.errors import DomainError
from atelier.forms import apply_errors, attempt, or_default, shown_again_status, submit
from atelier.timeutil import local_date

bp = Blueprint("catalog", __name__)

#: service field names → form field names, so errors land on the right input
FORM_FIELDS = {
    "price_cents": "price",
    "piece_rate_cents": "piece_rate",
    "maker_share_bp": "maker_share",
}


def _show(form, exc: DomainError) -> None:
    """Put a domain error on the form's own fields."""
    exc.fields = {FORM_FIELDS.get(k, k): v for k, v in (exc.fields or {}).items()}
    apply_errors(form, exc)


nav.register("catalog.products", _l("Products"), ["admin"], order=30, icon="catalog")


def _today():
    """Today in the payroll timezone (rules change at local midnight)."""
    return local_date(utcnow(), current_app.config["PAYROLL_TIMEZONE"])


@bp.route("/admin/products", methods=["GET", "POST"])
@admin_required
def products():
    """The catalogue, and a form to add a product type."""
    form = ProductForm()
    if request.method == "GET":
        form.effective_from.data = _today()
    done = submit(
        form,
        lambda: _create(form),
        _("Product type saved."),
        lambda product: url_for("catalog.product", sku=product.sku),
        on_error=_show,
    )
    if done:
        return done
    rows = [(p, services.current_rule(p, _today())) for p in services.list_product_types()]
    page = render_template("catalog/products.html", rows=rows, form=form)
    return page, shown_again_status()


@bp.route("/admin/products/<sku>", methods=["GET", "POST"])
@admin_required
def product(sku):
    """One product type: details, photo, and its rule history."""
    item = services.product_by_sku(sku)
    form = DetailsForm(obj=item)
    rule_form = RuleForm(formdata=None)
    rule_form.effective_from.data = _today()
    done = submit(
        form,
        lambda: _update(item, form),
        _("Product type saved."),
        url_for("catalog.product", sku=item.sku),
        on_error=_show,
    )
    if done:
        return done
    page = render_template(
        "catalog/product.html", product=item, form=form, rule_form=rule_form, today=_today()
    )
    return page, shown_again_status()


def _create(form):
    """A new product type from the form, with its first rule and any photo."""
    values = {**rule_values(form), "price_currency": form.price_currency.data.upper()}
    product = services.create_product_type(
        form.sku.data,
        form.name.data,
        form.description.data,
        values,
        form.effective_from.data,
        actor=current_user,
    )
    _set_photo(product, form)
    return product


def _update(item, form) -> None:
    """Save a product type's details and any new photo."""
    services.update_details(
        item,
        form.name.data,
        form.description.data,
        form.is_active.data,
        translations=form.translations(),
        actor=current_user,
    )
    _set_photo(item, form)


def _set_photo(product, form) -> None:
    """Store the uploaded photo, if one was sent."""
    if form.photo.data:
        services.set_photo(product, form.photo.data.read(), actor=current_user)


@bp.route("/admin/products/<sku>/rules", methods=["POST"])
@admin_required
def product_rule(sku):
    """Change the price or wage rule from a date on."""
    item = services.product_by_sku(sku)
    rule_form = RuleForm()
    back = url_for("catalog.product", sku=sku)
    if not rule_form.validate_on_submit():
        flash(_("Please correct the marked fields."), "error")
        return redirect(back)
    return attempt(
        lambda: services.change_rule(
            item, rule_values(rule_form), rule_form.effective_from.data, actor=current_user
        ),
        _("New rule saved."),
        back,
    ) or redirect(back)


@bp.route("/products/<sku>/photo-<int:version>.jpg")
def photo(sku, version):
    """A product's photo; the URL changes with each upload, so it is cached for a year."""
    item = or_default(None, services.product_by_sku, sku, with_photo=True)
    if item is None or not item.photo or version != item.photo_version:
        abort(404)
    etag = f"{item.sku}-{item.photo_version}"
    if request.if_none_match.contains(etag):
        response = current_response(b"", 304, item, etag)
    else:
        response = current_response(item.photo, 200, item, etag)
    return response


def current_response(body: bytes, status: int, item, etag: str):
    """The photo response with long-lived public caching."""
    response = make_response(body, status)
    response.headers["Content-Type"] = item.photo_mime or "image/jpeg"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


bp.add_app_template_global(photo_url, "product_photo_url")


@bp.app_template_filter("product_name")
def product_name(product) -> str:
    """A product type's name in the reader's language."""
    return product.name_in(str(get_locale()))


@bp.app_template_filter("product_description")
def product_description(product) -> str:
    """A product type's description in the reader's language."""
    return product.description_in(str(get_locale()))
