"""Copy the vendored npm files into static/vendor/ (run by ``make assets`` after ``npm ci``).

Only what the pages load is copied: the barcode-detector polyfill (IIFE build, exposes
``window.BarcodeDetectionAPI``) and the zxing-wasm reader it compiles, so both are served
from our own origin and no CDN is ever contacted.
"""

import shutil
import sys
from pathlib import Path

from atelier.config import ROOT

#: (source under node_modules/, destination under static/vendor/)
FILES = (
    ("barcode-detector/dist/iife/ponyfill.js", "barcode-detector/ponyfill.js"),
    ("barcode-detector/LICENSE", "barcode-detector/LICENSE"),
    ("zxing-wasm/dist/reader/zxing_reader.wasm", "zxing-wasm/zxing_reader.wasm"),
    ("zxing-wasm/LICENSE", "zxing-wasm/LICENSE"),
)


def copy_assets(root: Path = ROOT) -> list[Path]:
    """Copy every vendored file; raises FileNotFoundError naming one that is missing."""
    modules, vendor = root / "node_modules", root / "static" / "vendor"
    copied = []
    for source, destination in FILES:
        src, dst = modules / source, vendor / destination
        if not src.exists():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` first")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied.append(dst)
    return copied


def main() -> int:
    """Command line: ``python -m atelier.assets``."""
    try:
        for path in copy_assets():
            print(f"copied {path.relative_to(ROOT)}")
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
