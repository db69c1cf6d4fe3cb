"""Names vulture cannot see used (``tests/test_dead_code.py``): called by a framework or a
protocol, read by a template, or a rule that the tests pin down and the SQL or a sweep mirrors.
Each line names one; a new entry needs a reason like these."""

from atelier.auth.models import User
from atelier.backup import agefile
from atelier.db import UTCDateTime
from atelier.demand import markdowns
from atelier.indicators import rules as indicator_rules
from atelier.production import rules as production_rules
from atelier.stock.queries import WaitingPieces
from atelier.webshop import rules as webshop_rules

USED_WHERE_VULTURE_CANNOT_SEE = (
    User.get_id,  # Flask-Login
    User.shown_name,  # templates/home.html
    UTCDateTime.process_bind_param,  # SQLAlchemy TypeDecorator
    UTCDateTime.process_result_value,  # SQLAlchemy TypeDecorator
    agefile.Encryptor.writable,  # io.RawIOBase
    agefile.Decryptor.readable,  # io.RawIOBase
    agefile.Decryptor.readinto,  # io.RawIOBase
    WaitingPieces.pages,  # templates/stock/new.html
    markdowns.Price.percent_off,  # templates/demand/_price.html
    markdowns.shop_rules,  # the rules in force, read back by the tests
    indicator_rules.age_band,  # the rule its SQL twin in indicators/results.py follows
    production_rules.replay,  # a piece's status from its events: the chain test's invariant
    webshop_rules.is_lapsed,  # the cutoff of fulfilment.expire_lapsed, written as a rule
)
