"""Every relative link in README.md and docs/*.md names a file that exists (and, into a Markdown file,
a heading that exists), so the architecture map and its topic pages cannot point at a moved page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address, or a place on this page
        file, _, anchor = target.partition("#")
        found = (path.parent / file).resolve()
        if not found.exists():
            broken.append(f"{target}: no such file")
        elif anchor and found.suffix == ".md" and anchor not in anchors(found):
            broken.append(f"{target}: no such heading")
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_relative_links_resolve(doc: Path) -> None:
    assert not broken_links(doc)


def test_the_check_sees_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "MAP.md").write_text("# The map\n\n## Known debts\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[ok](MAP.md#known-debts) [gone](GONE.md) [bad](MAP.md#nowhere) "
                    "[web](https://example.com)\n```\n[in code](ALSO_GONE.md)\n```\n", encoding="utf-8")
    assert broken_links(page) == ["GONE.md: no such file", "MAP.md#nowhere: no such heading"]
