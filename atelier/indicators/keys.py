"""The indicators as the report names them: label and pillar per key (translated)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Indicator:
    """One indicator the programme reports: its key, label and pillar."""

    key: str
    label: object
    pillar: object


PILLAR_ACCESS = _l("Pillar 1: access and training")
PILLAR_PREVENTION = _l("Pillar 3: prevention")
PILLAR_ATELIER = _l("Sewing atelier")

INDICATORS = (
    Indicator("vocational_participants", _l("People in vocational training"), PILLAR_ACCESS),
    Indicator("training_hours", _l("Hours of vocational training"), PILLAR_ACCESS),
    Indicator(
        "life_skills_participants", _l("People in life-skills development"), PILLAR_PREVENTION
    ),
    Indicator("parenting_participants", _l("Caretakers in parenting classes"), PILLAR_PREVENTION),
    Indicator("pieces_produced", _l("Pieces produced"), PILLAR_ATELIER),
    Indicator("pieces_sold", _l("Pieces sold"), PILLAR_ATELIER),
    Indicator("makers_paid", _l("Makers paid a wage"), PILLAR_ATELIER),
)
BY_KEY = {i.key: i for i in INDICATORS}
AGE_BAND_LABELS = {
    "under_18": _l("Under 18"),
    "18_25": _l("18–25"),
    "26_plus": _l("26+"),
    "unknown": _l("Age unknown"),
}
GENDER_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "undisclosed": _l("Undisclosed"),
}
