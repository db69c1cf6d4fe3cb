"""Import every model module so the metadata is complete (migrations, tests)."""

from atelier.audit import AuditEntry  # noqa: F401
from atelier.auth.models import ApiToken, User  # noqa: F401
from atelier.backup.ledger import Erasure  # noqa: F401 (and its anonymisation hook)
from atelier.catalog.models import ProductRule, ProductType  # noqa: F401
from atelier.demand.models import MarkdownRule, Plan, PlanLine, ShopRequest  # noqa: F401
from atelier.indicators.models import IndicatorTarget  # noqa: F401
from atelier.org.models import Programme, Site  # noqa: F401
from atelier.people.models import Beneficiary  # noqa: F401
from atelier.production.models import Item, ItemEvent, ProductionEntry  # noqa: F401
from atelier.reports.models import ReportLayout, ReportPart, ReportPillar, ReportRow  # noqa: F401
from atelier.stock.models import Shipment, ShipmentItem  # noqa: F401
from atelier.till.models import Return, Sale, SaleLine  # noqa: F401
from atelier.wages.models import ExchangeRate, Payee, PayPeriod, Payslip, PayslipLine  # noqa: F401
from atelier.webshop.models import Order, OrderLine, StripeEvent  # noqa: F401
from atelier.workshops.models import Attendance, Workshop, WorkshopSession  # noqa: F401
