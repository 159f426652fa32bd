"""Schemathesis, with every check and its stateful phase, against `movement serve` on this
run's engine, as each role: nobody signed in, a champion, a coordinator and an admin.

Its settings are in schemathesis.toml at the top of the repository (a run by hand reads the
same file); each role's output is kept in test-artifacts/schemathesis/.
"""

from __future__ import annotations

import pytest

from tests.environment import ENGINE
from tests.helpers.schemathesis import OUTPUT, ROLES, outcome

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_failure(role):
    # Started when the session collected its tests, and run while the others ran
    # (tests/conftest.py puts these tests last).
    found = outcome(role)
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
