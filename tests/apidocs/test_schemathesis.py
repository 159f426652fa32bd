"""Schemathesis, with every check and its stateful phase, against `movement serve` on this
run's engine, as each role: nobody signed in, a champion, a coordinator and an admin.

Its settings are in schemathesis.toml at the top of the repository (a run by hand reads the
same file); each role's output is kept in test-artifacts/schemathesis/.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import pytest_asyncio

from tests.environment import ENGINE
from tests.helpers.schemathesis import (
    AT_ONCE,
    HANG,
    OUTPUT,
    ROLES,
    Outcome,
    copy_site,
    drop,
    make_site,
    run_as,
)

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def runs(request, tmp_path_factory):
    """The runs of the roles this session selected, all started with the module, AT_ONCE at
    a time; each test waits for its own."""
    roles = [
        item.callspec.params["role"]
        for item in request.session.items
        if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
    ]
    folder = tmp_path_factory.mktemp("schemathesis")
    try:
        site = await make_site(folder)
        # The copies are made one after another: PostgreSQL copies a database only while
        # nobody else is using it.
        copies = {role: await copy_site(site, folder, role) for role in roles}
        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            started: dict[str, Future[Outcome]] = {
                role: pool.submit(run_as, env, role, site.tokens.get(role))
                for role, env in copies.items()
            }
            yield started
    finally:
        for name in ["st", *(f"st_{role}" for role in roles)]:
            await drop(name)


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_failure(runs, role):
    found = runs[role].result(timeout=2 * HANG)
    saved = OUTPUT / f"{ENGINE}-{role}.txt"
    # The run means something only if the API took the token as this role all along.
    expected = 401 if role == "anonymous" else 200
    assert found.before == expected, f"GET /api/me as {role} before the run: {found.before}"
    assert found.after == expected, (
        f"GET /api/me as {role} after the run: {found.after}. The run erased or disabled its "
        f"own account part-way, so its later requests were refused; see {saved}"
    )
    report = found.run.report
    assert report, f"Schemathesis wrote no report; its output is in {saved}"
    # Anyone may create nothing, so only the signed-in roles have links to follow.
    assert role == "anonymous" or report["phases"]["stateful"]["status"] != "skip", (
        f"The stateful phase did not run (are the document's links gone?); see {saved}"
    )
    code = found.run.code  # not `found.run.code` below: pytest would print the whole output
    assert code == 0, (
        f"Schemathesis found failures as {role} on {ENGINE} (all it printed is in "
        f"{saved}):\n{found.run.failures()}"
    )
