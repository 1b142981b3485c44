"""The committed OpenAPI schema matches the code, and a live server conforms to it."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "openapi.yaml"


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == SCHEMA.read_text(), (
        "openapi.yaml is stale: run `make schema` and commit it"
    )


def test_the_served_schema_is_the_committed_one(client):
    served = client.get("/api/v1/schema/")
    assert served.status_code == 200
    assert yaml.safe_load(served.content) == yaml.safe_load(SCHEMA.read_text())


def _examples_of(parameter):
    return [example["value"] for example in parameter.get("examples", {}).values()]


def test_every_example_in_the_schema_names_something_in_the_catalogue(
    client, real_catalogue_for_module
):
    """Schemathesis sends the examples to reach the detail endpoints' 200s: they must exist."""
    spec = yaml.safe_load(SCHEMA.read_text())
    tried = 0
    for template, operations in spec["paths"].items():
        parameters = operations["get"].get("parameters", [])
        in_path = {p["name"]: _examples_of(p)[0] for p in parameters if p["in"] == "path"}
        for parameter in parameters:
            for value in _examples_of(parameter):
                path_values = {
                    **in_path,
                    **({parameter["name"]: value} if parameter["in"] == "path" else {}),
                }
                url = template.format(**path_values)
                query = {parameter["name"]: value} if parameter["in"] == "query" else {}
                response = client.get(url, query)
                assert response.status_code == 200, (url, query, response.content[:200])
                if "results" in response.json():
                    assert response.json()["results"], (url, query)
                tried += 1
    assert tried >= 10


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def live_api(real_catalogue_for_module):
    """The project's WSGI application served over HTTP on loopback, throttling lifted."""
    # The server's threads open their own connections: point them at the test database.
    connections.settings[connection.alias]["NAME"] = connection.settings_dict["NAME"]
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AnonRateThrottle, "rate", "100000/minute", raising=False)
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


schema = schemathesis.openapi.from_path(str(SCHEMA))
# No 5xx, and every status, content type, header and body as the schema documents it.
CONFORMANCE = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_response_conforms_to_the_schema(case, live_api):
    case.call_and_validate(base_url=live_api, checks=CONFORMANCE)


def test_schemathesis_with_every_check_and_the_stateful_phase_finds_nothing(live_api, tmp_path):
    """The CLI CI would run by hand: every check, every phase (the stateful one included),
    against the live server on loopback with the real catalogue; any finding fails."""
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")), "run", str(SCHEMA),
            "--url", live_api, "--checks", "all",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", "25", "--request-timeout", "30", "--no-color",
            "--generation-database", "none",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
