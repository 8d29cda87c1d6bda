"""The AFNOR XP Z12-013 client against the local platform (Prism serving the normative
OpenAPI files); every request and response is validated with openapi-core."""

import importlib.util
import os

import pytest
import requests
from conftest import ROOT, load_tool

afnor = load_tool("billing_fr_compliance", "afnor_client")
_spec = importlib.util.spec_from_file_location(
    "afnor_prism", os.path.join(ROOT, "billing_fr_compliance", "tests", "afnor_prism.py")
)
afnor_prism = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(afnor_prism)

PDF = b"%PDF-1.7\n% a Factur-X stand-in\n"


@pytest.fixture(scope="module")
def urls():
    found = afnor_prism.prism_urls()
    if not found:
        pytest.skip(afnor_prism.NOT_INSTALLED)
    return found


@pytest.fixture
def session(urls):
    return afnor_prism.ValidatingSession(urls)


@pytest.fixture
def client(urls, session):
    return afnor.AfnorClient(
        urls["flow"],
        urls["directory"],
        bearer_token="test-token",
        organization_id="ORG-1",
        session=session,
    )


def test_flow_info_carries_sha256_and_rules():
    info = afnor.build_flow_info("F-1", "F1.pdf", PDF, "Factur-X", "B2B", "CIUS")
    assert info == {
        "trackingId": "F-1",
        "name": "F1.pdf",
        "flowSyntax": "Factur-X",
        "processingRule": "B2B",
        "flowProfile": "CIUS",
        "sha256": afnor.sha256_hex(PDF),
    }
    with pytest.raises(ValueError):
        afnor.build_flow_info("F-1", "F1.pdf", PDF, "PDF")
    with pytest.raises(ValueError):
        afnor.build_flow_info("x" * 65, "F1.pdf", PDF, "CII")


def test_retry_after_header():
    assert afnor.parse_retry_after("120") == 120
    assert afnor.parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480) == 30
    assert afnor.parse_retry_after("soon") is None
    assert afnor.parse_retry_after(None) is None


def test_tracking_id_match_and_directory_line_choice():
    flows = [{"flowId": "a", "trackingId": "X"}, {"flowId": "b", "trackingId": "F-1"}]
    assert afnor.flow_matching_tracking_id(flows, "F-1")["flowId"] == "b"
    assert afnor.flow_matching_tracking_id(flows, "F-2") is None
    lines = [
        {"siren": "702042755", "addressingIdentifier": "702042755"},
        {"siren": "702042755", "siret": "70204275500240", "addressingIdentifier": "S"},
        {"siren": "702042755", "directoryLineStatus": "Disabled", "addressingIdentifier": "D"},
    ]
    assert afnor.choose_line(lines, siret="70204275500240")["addressingIdentifier"] == "S"
    assert afnor.choose_line(lines)["addressingIdentifier"] == "702042755"
    public = afnor.addressing_from_line(
        {
            "siren": "702042755",
            "legalUnit": {"entityType": "Public"},
            "facility": {"b2gAdditionalData": {"serviceCodeStatus": True}},
            "routingCode": {"managesLegalCommitment": True},
        }
    )
    assert public["public"] and public["requires_service_code"] and public["requires_commitment"]


def test_secrets_are_not_in_repr():
    client = afnor.AfnorClient("http://x", client_id="id", client_secret="s3cr3t")
    assert "s3cr3t" not in repr(client)


def test_healthcheck_both_services(client, session):
    assert client.healthcheck("flow")
    assert client.healthcheck("directory")
    assert [entry[:3] for entry in session.log] == [
        ("GET", "/v1/healthcheck", 200),
        ("GET", "/v1/healthcheck", 200),
    ]


def test_no_token_is_an_auth_error(urls, session):
    client = afnor.AfnorClient(urls["flow"], session=session)
    with pytest.raises(afnor.AfnorAuthError):
        client.healthcheck()


def test_send_flow_valid_against_the_spec(client, session):
    info = afnor.build_flow_info("F-2026-0001", "F-2026-0001.pdf", PDF, "Factur-X", "B2B")
    answer = client.send_flow("F-2026-0001.pdf", PDF, info)
    assert answer["flowId"] is not None and answer["submittedAt"]
    assert session.log[-1][:3] == ("POST", "/v1/flows", 202)


def test_a_request_that_breaks_the_spec_is_caught(client):
    info = afnor.build_flow_info("F-1", "F1.pdf", PDF, "Factur-X")
    info["flowSyntax"] = "PDF"  # not in the spec's enum
    with pytest.raises(Exception, match="flowSyntax|Request body"):
        client.send_flow("F1.pdf", PDF, info)


def test_search_flows_with_cursor(client, session):
    results, cursor = client.search_lifecycle_flows()
    assert isinstance(results, list)
    method, path, status, body = session.log[-1]
    assert (method, path, status) == ("POST", "/v1/flows/search", 200)
    assert body["where"] == {"flowType": ["CustomerInvoiceLC"], "flowDirection": ["In"]}
    assert "cursor" not in body
    if cursor:
        client.search_lifecycle_flows(cursor=cursor)
        assert session.log[-1][3]["cursor"] == cursor


def test_find_flow_by_tracking_id_searches_by_it(client, session):
    client.find_flow_by_tracking_id("F-2026-0001")
    assert session.log[-1][3]["where"]["trackingId"] == "F-2026-0001"


def test_get_flow_metadata(client, session):
    flow = client.get_flow("flow-123")
    assert "acknowledgement" in flow and "flowId" in flow
    assert session.log[-1][:3] == ("GET", "/v1/flows/flow-123", 200)


def test_directory_lookups(client, session):
    client.get_siren("702042755")
    client.get_siret("70204275500240")
    client.get_routing_code("70204275500240", "SERVICE-01")
    client.get_directory_line("702042755")
    lines = client.search_directory_lines(siren="702042755")
    assert isinstance(lines, list)
    assert [entry[1] for entry in session.log] == [
        "/v1/siren/code-insee:702042755",
        "/v1/siret/code-insee:70204275500240",
        "/v1/routing-code/siret:70204275500240/code:SERVICE-01",
        "/v1/directory-line/code:702042755",
        "/v1/directory-line/search",
    ]
    assert session.log[-1][3]["filters"] == {"siren": {"op": "strict", "value": "702042755"}}


@pytest.mark.parametrize(
    "code,error",
    [
        (429, afnor.AfnorRetryableError),
        (500, afnor.AfnorRetryableError),
        (503, afnor.AfnorRetryableError),
        (400, afnor.AfnorRejectedError),
        (413, afnor.AfnorRejectedError),
        (422, afnor.AfnorRejectedError),
        (401, afnor.AfnorAuthError),
        (403, afnor.AfnorAuthError),
    ],
)
def test_error_classes(client, session, code, error):
    session.prefer.append("code=%d" % code)
    info = afnor.build_flow_info("F-1", "F1.pdf", PDF, "Factur-X")
    with pytest.raises(error) as caught:
        client.send_flow("F1.pdf", PDF, info)
    assert caught.value.status == code
    assert caught.value.code  # the platform's errorCode from the spec
    assert session.log[-1][2] == code


def test_network_error_is_retryable():
    client = afnor.AfnorClient("http://127.0.0.1:9", bearer_token="t", timeout=2)
    with pytest.raises(afnor.AfnorRetryableError):
        client.healthcheck()


def test_retry_after_is_read_from_the_answer(urls):
    class RetryAfter(requests.Session):
        def send(self, request, **kwargs):
            request.headers["Prefer"] = "code=429"
            response = super().send(request, **kwargs)
            response.headers["Retry-After"] = "42"  # Prism sends none: the header alone
            return response

    client = afnor.AfnorClient(urls["flow"], bearer_token="t", session=RetryAfter())
    with pytest.raises(afnor.AfnorRetryableError) as caught:
        client.search_lifecycle_flows()
    assert (caught.value.status, caught.value.retry_after) == (429, 42)


def test_download_of_a_file_prism_cannot_make_is_retryable(client):
    # Prism has no file to send for docType=Original (the spec gives it no schema)
    with pytest.raises(afnor.AfnorRetryableError):
        client.get_flow("flow-123", "Original")


@pytest.fixture
def token_server():
    """An OAuth2 token endpoint on localhost: oauthlib's RFC 6749 server (client
    credentials grant), the part of a PA the XP Z12-013 files leave out."""
    oauth2 = pytest.importorskip("oauthlib.oauth2")
    import base64
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Validator(oauth2.RequestValidator):
        def authenticate_client(self, request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return False
            client_id, __, secret = base64.b64decode(header[6:]).decode().partition(":")
            if (client_id, secret) != ("odoo", "s3cr3t"):
                return False
            request.client = type("Client", (), {"client_id": client_id})()
            request.client_id = client_id
            return True

        def validate_grant_type(self, client_id, grant_type, client, request, *a, **kw):
            return grant_type == "client_credentials"

        def get_default_scopes(self, client_id, request, *args, **kwargs):
            return []

        def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
            return True

        def save_bearer_token(self, token, request, *args, **kwargs):
            issued.append(token["access_token"])

    issued = []
    server = oauth2.BackendApplicationServer(Validator())

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        __, payload, status = server.create_token_response(
            "http://127.0.0.1/token", "POST", body, headers
        )
        start_response(
            "%d %s" % (status, "OK" if status == 200 else "Error"),
            [("Content-Type", "application/json")],
        )
        return [payload.encode()]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/token" % httpd.server_port, issued
    httpd.shutdown()


def test_client_credentials_token(urls, session, token_server):
    token_url, issued = token_server
    client = afnor.AfnorClient(
        urls["flow"],
        token_url=token_url,
        client_id="odoo",
        client_secret="s3cr3t",
        session=session,
    )
    assert client.healthcheck()
    assert client.healthcheck()  # the token is reused while valid
    assert len(issued) == 1
    wrong = afnor.AfnorClient(
        urls["flow"],
        token_url=token_url,
        client_id="odoo",
        client_secret="wrong",
        session=session,
    )
    with pytest.raises(afnor.AfnorAuthError) as caught:
        wrong.healthcheck()
    assert "wrong" not in str(caught.value)
