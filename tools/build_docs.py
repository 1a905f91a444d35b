"""Build the offline HTML API reference: ``docs/index.html`` from ``openapi/triboo.yaml``.

Redocly's ``build-docs --inlineBundle`` embeds Redoc, so the page renders without a network,
except for two things:

- Redoc 3 sends usage telemetry (OpenTelemetry traces to ``otel.cloud.redocly.com``) from the
  page a few seconds after it opens and after clicks, unless the page's options say
  ``disableTelemetry``. Redocly CLI 2.77 writes that option from its own telemetry switch
  (``REDOCLY_TELEMETRY=off`` or ``telemetry: off`` in ``redocly.yaml``) and overrides the
  Redoc option of the same name given in ``redocly.yaml`` or with ``--openapi.*``. The build
  sets the switch, so neither the CLI nor the page reports anything, and fails if the
  page's options still let it send.
- Redoc's "API docs by Redocly" badge loads its logo from Redocly's CDN. The logo URLs are
  replaced by an inline SVG.

So opening the page makes no request at all (the browser test checks that, clicking
through the page).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "triboo.yaml"
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
REMOTE_LOGOS = (
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
)
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="14">'
    '<text x="0" y="11" font-family="sans-serif" font-size="11" fill="#555">Redocly</text></svg>'
)
# The page's Redoc options, as build-docs writes them into the page's script.
REDOC_OPTIONS = re.compile(r"const __redoc_options = (\{.*?\});")


def telemetry_disabled(html: str) -> bool:
    """Whether every Redoc options object in the page turns its telemetry off."""
    found = REDOC_OPTIONS.findall(html)
    return bool(found) and all(json.loads(item).get("disableTelemetry") is True for item in found)


def build(output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603
        [
            str(REDOCLY),
            "build-docs",
            str(SPEC),
            "--inlineBundle",
            "--title",
            "Triboo API reference",
            "--output",
            str(output),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "REDOCLY_TELEMETRY": "off"},
    )
    html = output.read_text(encoding="utf-8")
    if not telemetry_disabled(html):
        raise SystemExit(
            "Redocly's page would send telemetry (disableTelemetry is not true in its options):"
            " review tools/build_docs.py"
        )
    missing = [url for url in REMOTE_LOGOS if url not in html]
    if missing:
        raise SystemExit(
            f"Redocly's page no longer references {missing}: review tools/build_docs.py"
        )
    inline = "data:image/svg+xml," + quote(LOGO)
    for url in REMOTE_LOGOS:
        html = html.replace(url, inline)
    output.write_text(html, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "index.html")
    args = parser.parse_args(argv)
    build(args.output)
    print(f"API reference written to {args.output} ({args.output.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
