"""No dead code: vulture finds no unused function, method, property, class or import in the
app and the bench, nor unreachable code. Fields (model columns, dataclass and pydantic fields)
are left out: templates and JSON read them where vulture cannot see."""

import subprocess
import sys

from atelier.config import ROOT

#: decorators that register a function with a framework, which then calls it
REGISTERED = ",".join(
    [
        "@*.route",
        "@api_route",
        "@*.command",
        "@*.errorhandler",
        "@*.listens_for",
        "@*.app_template_global",
        "@*.app_template_filter",
        "@*.before_request",
        "@*.before_app_request",
        "@*.after_request",
        "@*.context_processor",
        "@*.app_context_processor",
        "@*.url_defaults",
        "@*.user_loader",
        "@*.request_loader",
        "@*.request_filter",
        "@*.get",
        "@*.post",
        "@*.expression",
        "@*.setter",
        "@field_validator",
        "@model_validator",
        "@on_anonymise",
        "@compiles",
    ]
)


def test_vulture_finds_no_dead_code():
    """A function nobody calls fails the suite: delete it, or say in the whitelist who calls
    it (a framework, a template) and why vulture cannot see that."""
    found = subprocess.run(
        [
            *(sys.executable, "-m", "vulture", "atelier", "bench", "tests/vulture_whitelist.py"),
            *("--min-confidence", "60", "--ignore-decorators", REGISTERED),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert found.returncode in (0, 3), found.stderr  # 3: vulture found something
    dead = [
        line
        for line in found.stdout.splitlines()
        if "unused variable" not in line and "unused attribute" not in line
    ]
    assert dead == []
