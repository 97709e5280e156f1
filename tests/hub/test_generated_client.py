"""A client generated from the live schema fetches the quarterly return's CSV (issue 14).

openapi-python-client (a dev dependency) generates a Python package from /api/schema/ as an
integrator would, with no token (the schema is public); the package is imported and, with an
OPCC client's token, fetches the return from a live server: the CSV, and the JSON read into the
generated model.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from accounts.roles import Role
from accounts.services import create_api_client

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "hub_generated_client"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def generated_client(live_server, tmp_path, monkeypatch):
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:  # noqa: S310
        (tmp_path / "schema.json").write_bytes(answer.read())
    # No post hooks: the generated code is not formatted (ruff), only imported.
    (tmp_path / "config.yaml").write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    subprocess.run(  # noqa: S603
        [
            str(GENERATOR), "generate", "--path", str(tmp_path / "schema.json"),
            "--config", str(tmp_path / "config.yaml"), "--meta", "none",
            "--output-path", str(tmp_path / PACKAGE),
        ],
        check=True, capture_output=True, timeout=120,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_a_generated_client_fetches_the_quarterly_returns_csv(live_server, generated_client):
    _, key = create_api_client(name="opcc-analyst", role=Role.OPCC)
    client = generated_client.AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token"
    )
    returns = importlib.import_module(f"{PACKAGE}.api.v1.v1_returns_quarterly_retrieve")
    Format = importlib.import_module(f"{PACKAGE}.models").V1ReturnsQuarterlyRetrieveFormat
    Quarter = importlib.import_module(f"{PACKAGE}.models").V1ReturnsQuarterlyRetrieveQuarter

    csv = returns.sync_detailed(client=client, year=2025, quarter=Quarter(1), format_=Format.CSV)

    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert isinstance(csv.parsed, str) and csv.parsed.strip()
    assert "2025" in csv.parsed

    # The JSON too, read into the generated model.
    answer = returns.sync(client=client, year=2025, quarter=Quarter(1), format_=Format.JSON)
    model = importlib.import_module(f"{PACKAGE}.models").QuarterlyReturn
    quarterly = model.from_dict(json.loads(answer))
    assert (quarterly.year, quarterly.quarter) == (2025, 1)
    assert quarterly.flow.referred >= 0

    # And without a token the generated client is refused, as any client is.
    anonymous = generated_client.Client(base_url=live_server.url)
    refused = returns.sync_detailed(
        client=anonymous, year=2025, quarter=Quarter(1), format_=Format.CSV
    )
    assert refused.status_code == 401
