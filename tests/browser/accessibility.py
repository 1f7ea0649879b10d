"""axe-core (npm, tests/browser/axe: `make test` installs it) run inside a page of the browser tests.

Only serious and critical violations fail a test: those are the ones that stop a person (no name on a
control, contrast too low, a list that is no list for a screen reader, content outside every landmark).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


async def violations(page: Page) -> list[str]:
    """The serious and critical axe violations of the page as it is now, one line each (rule, impact, where)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/browser/axe)")
    # Evaluated through the DevTools protocol, not as a <script>: the pages' CSP rightly refuses inline scripts.
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    results = await page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact,
                                               targets: v.nodes.map((n) => n.target.join(" ")) }));
    }""")
    return [f"{found['id']} ({found['impact']}): {', '.join(found['targets'][:5])}" for found in results
            if found["impact"] in BLOCKING]
