"""Replace a generated section of README.md, between `<!-- NAME:start/end -->` markers.

Usage: ``python -m tools.readme_section NAME FILE`` (the section's new text is FILE's content).
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def replace_section(name: str, text: str, readme: Path = README) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = readme.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"README.md has no {start} ... {end} section")
    head, _, rest = content.partition(start)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{start}\n{text.strip()}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    replace_section(sys.argv[1], Path(sys.argv[2]).read_text(encoding="utf-8"))
