"""Pure rules for the catalogue: which price and wage rule is in force on a day."""

from datetime import date


def rule_on(rules, day: date):
    """The rule with the latest ``effective_from`` on or before ``day`` (rules in any order).

    Returns None if the product had no rule yet on that day.
    """
    best = None
    for rule in rules:
        if rule.effective_from > day:
            continue
        if best is None or rule.effective_from > best.effective_from:
            best = rule
    return best
