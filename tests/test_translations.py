"""Every visible string is translated into Romanian, Ukrainian and Dutch."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "atelier" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(lang: str):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_template_is_up_to_date(tmp_path):
    """Strings in the code and templates are all in messages.pot (run `make messages`)."""
    pybabel = Path(sys.executable).parent / "pybabel"
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as handle:
        extracted = _ids(read_po(handle))
    with open(CATALOGS / "messages.pot", "rb") as handle:
        known = _ids(read_po(handle))
    missing = sorted(extracted - known)
    assert not missing, f"strings missing from the catalogues (run make messages): {missing}"


@pytest.mark.parametrize("lang", ["ro", "uk", "nl"])
def test_every_string_is_translated(lang):
    """No empty or fuzzy translation, and placeholders survive translation."""
    with open(CATALOGS / "messages.pot", "rb") as handle:
        wanted = _ids(read_po(handle))
    catalog = _catalog(lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated: {msgid!r}")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(msgid)) for s in strings):
            problems.append(f"placeholders differ: {msgid!r}")
    missing = wanted - _ids(catalog)
    problems += [f"missing: {m!r}" for m in sorted(missing)]
    assert not problems, f"{lang}: " + "\n".join(problems)
