"""Use cases for shipments: send pieces from an atelier to a shop, and receive them."""

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.authz import can_access_site, require_site, visible_site_ids
from atelier.db import utcnow
from atelier.enums import ItemStatus
from atelier.errors import Conflict, Forbidden, Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production import lifecycle
from atelier.stock import rules
from atelier.stock.lookup import find_items, parse_scans, scan_label
from atelier.stock.models import Shipment, ShipmentItem


class ShipmentConflict(Conflict):
    """Pieces are not where a shipment needs them to be."""

    code = "not_available"


def create_shipment(user, from_site: Site, to_site: Site, scans: list[str]) -> Shipment:
    """Send the scanned pieces from an atelier to a shop: all move to in_transit, or none."""
    require_site(user, from_site.id)
    errors = {}
    if from_site.kind != "atelier":
        errors["from"] = "not an atelier"
    if to_site.kind not in ("shop", "webshop"):
        errors["to"] = "not a shop"
    if not scans:
        errors["items"] = "scan at least one piece"
    if errors:
        raise Invalid(_("The shipment could not be made."), errors)
    parsed = parse_scans(scans)
    items = find_items(parsed)
    _refuse_duplicates(items, parsed)
    refused = [
        item.code if item else scan_label(text)
        for text, item in zip(scans, items, strict=True)
        if item is None or item.status != "in_atelier" or item.site_id != from_site.id
    ]
    if refused:
        raise ShipmentConflict(
            _("Not in stock at %(site)s: %(codes)s", site=from_site.code, codes=", ".join(refused)),
            {code: "not in stock at the atelier" for code in refused},
        )
    now = utcnow()
    ids = [item.id for item in items]
    shipment = Shipment(
        from_site_id=from_site.id,
        to_site_id=to_site.id,
        status="in_transit",
        sent_at=now,
        created_by_id=user.id,
    )
    db.session.add(shipment)
    db.session.flush()
    moved = lifecycle.move(
        ids,
        ItemStatus.IN_ATELIER,
        ItemStatus.IN_TRANSIT,
        site_id=from_site.id,
        actor=user,
        note=f"shipment {shipment.id}",
        at=now,
        to_site_id=to_site.id,
    )
    if len(moved) != len(ids):
        gone = [item.code for item in items if item.id not in moved]
        raise ShipmentConflict(
            _("Not in stock at %(site)s: %(codes)s", site=from_site.code, codes=", ".join(gone)),
            {c: "moved meanwhile" for c in gone},
        )
    for item in items:
        db.session.add(ShipmentItem(shipment_id=shipment.id, item_id=item.id, state="sent"))
    db.session.flush()
    db.session.expire_all()
    return shipment


def get_shipment(user, shipment_id: int) -> Shipment:
    """A shipment the user may see: its sender's atelier or its destination shop."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound(_("No such shipment."))
    allowed = visible_site_ids(user)
    if allowed is not None and not ({shipment.from_site_id, shipment.to_site_id} & allowed):
        raise Forbidden(_("This belongs to another site."))
    return shipment


def _receivable(user, shipment_id: int) -> Shipment:
    """A shipment the user may receive (staff of the destination), still in transit."""
    shipment = get_shipment(user, shipment_id)
    require_site(user, shipment.to_site_id)
    if shipment.status != "in_transit":
        raise Conflict(_("This shipment was already received."))
    return shipment


def _move_in(shipment: Shipment, lines: list[ShipmentItem], user, now) -> list[ShipmentItem]:
    """Put these lines' pieces in the shop (conditional update); returns the lines moved."""
    ids = [line.item_id for line in lines]
    if not ids:
        return []
    moved = lifecycle.move(
        ids,
        ItemStatus.IN_TRANSIT,
        ItemStatus.IN_SHOP,
        site_id=shipment.to_site_id,
        actor=user,
        note=f"shipment {shipment.id}",
        at=now,
    )
    done = [line for line in lines if line.item_id in moved]
    for line in done:
        line.state, line.received_at = "received", now
    return done


def receiving(user, shipment: Shipment) -> str | None:
    """What the user may scan in at this shipment: ``"open"`` (still in transit: every piece
    on it), ``"late"`` (receiving finished, some pieces missing: those, as they turn up),
    or None (not her shop's, or nothing left to receive)."""
    if not can_access_site(user, shipment.to_site_id) or user.role not in ("shop", "admin"):
        return None
    if shipment.status == "in_transit":
        return "open"
    return "late" if any(line.state == "missing" for line in shipment.lines) else None


def receive_scan(user, shipment_id: int, scan: str) -> tuple[str, str]:
    """Receive one scanned piece: ("received"|"late"|"again"|"unexpected", code).

    Once receiving is finished, a piece recorded missing can still arrive ("late"): it goes
    into the shop's stock like the others; nothing else can be scanned in any more."""
    shipment = get_shipment(user, shipment_id)
    require_site(user, shipment.to_site_id)
    state = receiving(user, shipment)
    if state is None:
        raise Conflict(_("This shipment was already received."))
    [parsed] = parse_scans([scan], field="scan")
    [item] = find_items([parsed])
    if item is None:
        raise Invalid(_("Unknown piece: %(code)s", code=parsed[1]), {"scan": "unknown"})
    line = next((ln for ln in shipment.lines if ln.item_id == item.id), None)
    if state == "late":
        if line is None or line.state != "missing":
            raise Conflict(
                _("This shipment was already received; only a missing piece can still arrive.")
            )
        if not _move_in(shipment, [line], user, utcnow()):
            raise Conflict(_("%(code)s is no longer in transit.", code=item.code))
        audit.record("stock.late_arrival", shipment, user=user, item=item.code)
        db.session.flush()
        return "late", item.code
    if line is None:
        db.session.add(ShipmentItem(shipment_id=shipment.id, item_id=item.id, state="unexpected"))
        db.session.flush()
        return "unexpected", item.code
    if line.state in ("received", "unexpected"):
        return ("again" if line.state == "received" else "unexpected"), item.code
    if not _move_in(shipment, [line], user, utcnow()):
        raise Conflict(_("%(code)s is no longer in transit.", code=item.code))
    db.session.flush()
    return "received", item.code


def finish_receiving(user, shipment_id: int, accept_all: bool = False) -> Shipment:
    """Close a shipment: with ``accept_all`` every piece still expected is received,
    otherwise the pieces not scanned are recorded as missing."""
    shipment = _receivable(user, shipment_id)
    now = utcnow()
    waiting = [line for line in shipment.lines if line.state == "sent"]
    if accept_all:
        _move_in(shipment, waiting, user, now)
        db.session.flush()
    # only lines still waiting become missing: a piece scanned in at this moment stays received
    db.session.execute(
        sa.update(ShipmentItem)
        .where(ShipmentItem.shipment_id == shipment.id, ShipmentItem.state == "sent")
        .values(state="missing")
        .execution_options(synchronize_session=False)
    )
    for line in shipment.lines:
        db.session.expire(line, ["state"])
    updated = db.session.execute(
        sa.update(Shipment)
        .where(Shipment.id == shipment.id, Shipment.status == "in_transit")
        .values(status="received", received_at=now, received_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated != 1:
        raise Conflict(_("This shipment was already received."))
    audit.record(
        "stock.receive",
        shipment,
        user=user,
        missing=[line.item.code for line in shipment.lines if line.state == "missing"],
    )
    db.session.flush()
    db.session.expire(shipment)
    return shipment


def _refuse_duplicates(items, parsed) -> None:
    """400 naming any piece listed twice (by code, tag or QR URL alike)."""
    repeated = rules.duplicates(
        [item.code if item else value for item, (_kind, value) in zip(items, parsed, strict=True)]
    )
    if repeated:
        raise Invalid(
            _("A piece is listed twice: %(codes)s", codes=", ".join(repeated)),
            {"items": f"listed twice: {', '.join(repeated)}"},
        )


def receive_api(user, shipment_id: int, scans: list[str] | None) -> dict:
    """The API's one-shot receive: the listed pieces (all if None); the rest are missing."""
    shipment = _receivable(user, shipment_id)
    if scans is not None:
        parsed = parse_scans(scans)
        items = find_items(parsed)
        _refuse_duplicates(items, parsed)
        wanted = {item.id for item in items if item is not None}
        now = utcnow()
        on_it = {line.item_id: line for line in shipment.lines}
        for item in items:
            if item is not None and item.id not in on_it:
                db.session.add(
                    ShipmentItem(shipment_id=shipment.id, item_id=item.id, state="unexpected")
                )
        _move_in(
            shipment,
            [ln for ln in shipment.lines if ln.state == "sent" and ln.item_id in wanted],
            user,
            now,
        )
        db.session.flush()
    shipment = finish_receiving(user, shipment_id, accept_all=scans is None)
    return summary(shipment)


def summary(shipment: Shipment) -> dict:
    """Codes received, missing and unexpected, and the progress counts."""
    by_state: dict[str, list[str]] = {s: [] for s in ("sent", "received", "missing", "unexpected")}
    for line in shipment.lines:
        by_state[line.state].append(line.item.code)
    received, expected = rules.receiving_progress([line.state for line in shipment.lines])
    return {
        "id": shipment.id,
        "status": shipment.status,
        "received": by_state["received"],
        "missing": by_state["missing"],
        "unexpected": by_state["unexpected"],
        "waiting": by_state["sent"],
        "received_count": received,
        "expected_count": expected,
    }


def list_shipments(user, limit: int = 50) -> list[Shipment]:
    """Recent shipments from or to the user's sites, newest first."""
    query = sa.select(Shipment).order_by(Shipment.id.desc()).limit(limit)
    allowed = visible_site_ids(user)
    if allowed is not None:
        query = query.where(
            sa.or_(Shipment.from_site_id.in_(allowed), Shipment.to_site_id.in_(allowed))
        )
    return list(db.session.scalars(query))
