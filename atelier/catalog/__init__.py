"""Product types and their versioned price and wage rules."""
