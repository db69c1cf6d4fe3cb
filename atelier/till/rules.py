"""Pure rules for the till: why a piece cannot be sold here, and prices charged."""

from atelier.enums import TILL_PAYMENT_METHODS

PAYMENT_METHODS = tuple(str(m) for m in TILL_PAYMENT_METHODS)
#: where pieces are taken back: the shops, and the online shop (its pieces come back by post)
RETURN_SITE_KINDS = ("shop", "webshop")


def unsellable_reason(status: str, item_site_id: int, shop_id: int) -> str | None:
    """None if the piece can be sold at this shop, else a reason key:
    ``sold``, ``other_shop``, ``in_transit``, ``at_atelier``, ``reserved``, ``written_off``,
    ``not_for_sale``."""
    if status == "sold":
        return "sold"
    if status == "in_shop":
        return None if item_site_id == shop_id else "other_shop"
    if status == "in_transit":
        return "in_transit" if item_site_id == shop_id else "other_shop"
    return {"in_atelier": "at_atelier", "reserved": "reserved", "written_off": "written_off"}.get(
        status, "not_for_sale"
    )


def price_problem(
    price_cents: int | None, list_price_cents: int, reason: str, reason_required: bool
) -> str | None:
    """None if the price may be charged, else what is wrong: a price may only be lowered,
    never below zero, and (at the till page) a lower price needs a reason."""
    if price_cents is None:
        return None
    if price_cents < 0:
        return "negative"
    if price_cents > list_price_cents:
        return "above_list"
    if reason_required and price_cents < list_price_cents and not reason.strip():
        return "reason_missing"
    return None
