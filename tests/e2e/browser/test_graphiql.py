"""GraphiQL at /graphql in a real browser that can reach only the server: it renders from the
package's own assets and runs a query with a bearer token pasted into its Headers tab."""

from __future__ import annotations

import json

from salonbook.domain.roles import Role
from tests.e2e.browser.chromium import offline_browser
from tests.support.factory import ApiFactory

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
VISIBLE_TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"


async def test_graphiql_runs_a_query_with_a_pasted_header_and_no_internet(
    live: str, factory: ApiFactory
) -> None:
    person = await factory.person(Role.STYLIST, name="Gia Graphiql")
    headers = json.dumps({"Authorization": f"Bearer {factory.token(person)}"})

    async with offline_browser(live) as browser:
        page = await browser.context.new_page()
        await page.goto(f"http://{live}/graphql")
        await page.wait_for_selector(QUERY_EDITOR, timeout=15_000)
        await page.get_by_role("button", name="Headers").click()
        # CodeMirror's own API: typing would meet its bracket auto-closing
        await page.eval_on_selector(
            QUERY_EDITOR, "(e, text) => e.CodeMirror.setValue(text)", "{ me { displayName } }"
        )
        await page.eval_on_selector(
            VISIBLE_TOOL_EDITOR, "(e, text) => e.CodeMirror.setValue(text)", headers
        )
        await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
        await page.wait_for_function(
            "selector => document.querySelector(selector).CodeMirror.getValue().length > 0",
            arg=RESPONSE,
            timeout=15_000,
        )
        shown = await page.eval_on_selector(RESPONSE, "e => e.CodeMirror.getValue()")
        refused = browser.refused

    assert json.loads(shown) == {"data": {"me": {"displayName": "Gia Graphiql"}}}
    assert refused == []  # everything the page needed came from the server
