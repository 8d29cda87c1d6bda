"""The local platform of the tests: Prism serving the AFNOR OpenAPI files, and a
``requests`` session that validates every request we send and every response we read
against the same files with openapi-core.

No Odoo import: used by the repo-root pytest and by the Odoo tests. ``tests/run`` starts
Prism (installed into ``var/prism`` by ``setup/prism`` when missing) and exports
``BILLING_PA_FLOW_URL`` / ``BILLING_PA_DIRECTORY_URL``; when those are not set, this module
starts Prism itself if it finds it.
"""

import atexit
import copy
import os
import shutil
import socket
import subprocess
import time

import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPECS = {
    "flow": os.path.join(HERE, "data", "afnor", "flow-openapi.yaml"),
    "directory": os.path.join(HERE, "data", "afnor", "directory-openapi.yaml"),
}
ENV = {"flow": "BILLING_PA_FLOW_URL", "directory": "BILLING_PA_DIRECTORY_URL"}
NOT_INSTALLED = (
    "Prism (npm @stoplight/prism-cli) is not installed: the tests against the local "
    "platform are skipped; setup/prism (which tests/run runs unless --no-prism) installs it "
    "into var/prism"
)
_started = []


def prism_binary():
    for path in (
        os.environ.get("BILLING_PRISM"),
        os.path.join(ROOT, "var", "prism", "node_modules", ".bin", "prism"),
        shutil.which("prism"),
    ):
        if path and os.path.exists(path):
            return path
    return None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prism_spec(name, out_dir, examples=None):
    """The file Prism serves for ``name``: the normative one, except for one known Prism
    limitation. Prism validates each multipart part as a form-style string (it applies the
    encoding's ``style: form`` and its reserved-character rule, which OAS 3.0.3 keeps for
    application/x-www-form-urlencoded bodies, and never parses a part as JSON), so it
    rejects every correct ``POST /v1/flows`` (``flowInfo`` is a JSON part). Its copy of
    the flow spec takes ``flowInfo`` as a string; openapi-core still validates our
    requests against the untouched file, ``flowInfo`` as the FlowInfo object.

    ``examples`` (flow spec only) adds named examples to that copy, which Prism answers
    when a request says ``Prefer: example=<name>``: ``{"search": {name: SearchFlowContent
    dict}, "files": {name: bytes of a flow's file}}`` for ``POST /v1/flows/search`` and
    ``GET /v1/flows/{flowId}?docType=Original``; ``{"metadata": {name: Flow dict}}`` for
    ``GET /v1/flows/{flowId}`` (the flow's metadata, with its acknowledgement). Prism
    generates a file's bytes from the schema otherwise (never a CDAR): with them, a test
    polls real CDAR files through HTTP.
    The examples are data, not schemas: what they answer is still validated against the
    normative file by openapi-core."""
    if name != "flow":
        return SPECS[name]
    with open(SPECS[name], encoding="utf-8") as spec_file:
        spec = yaml.safe_load(spec_file)
    spec["components"]["schemas"]["createFlow_request"]["properties"]["flowInfo"] = {
        "type": "string"
    }
    # the spec gives flowId no minLength: Prism's generated answers may then carry an empty
    # one, which the client rightly takes as "no id yet" (the flow waits for a look-up,
    # tested on its own in test_pa_send_workers), making a test that expects "sent" fail at
    # random. The mock's copy asks for one character at least; answers stay valid for the
    # untouched file that openapi-core checks them against.
    flow_id = spec["components"]["schemas"]["FullFlowInfoExtension"]["properties"]["flowId"]
    flow_id["minLength"] = 1
    content = spec["components"]["requestBodies"]["FlowPostRequest"]["content"]
    for encoding in content["multipart/form-data"]["encoding"].values():
        encoding.pop("style", None)
    examples = examples or {}
    if examples.get("search"):
        search = spec["paths"]["/v1/flows/search"]["post"]["responses"]["200"]["content"]
        search["application/json"]["examples"] = {
            key: {"value": value} for key, value in examples["search"].items()
        }
    if examples.get("files"):
        download = spec["paths"]["/v1/flows/{flowId}"]["get"]["responses"]["200"]["content"]
        download["application/octet-stream"]["examples"] = {
            key: {"value": value.decode()} for key, value in examples["files"].items()
        }
    if examples.get("metadata"):
        metadata = spec["paths"]["/v1/flows/{flowId}"]["get"]["responses"]["200"]["content"]
        metadata["application/json"]["examples"] = {
            key: {"value": value} for key, value in examples["metadata"].items()
        }
    path = os.path.join(out_dir, "prism-flow-openapi%s.yaml" % ("-examples" if examples else ""))
    with open(path, "w", encoding="utf-8") as out:
        yaml.safe_dump(spec, out, sort_keys=False, allow_unicode=True)
    return path


def search_answer(*flows):
    """A ``POST /v1/flows/search`` answer (SearchFlowContent) listing ``flows``: each a dict
    of the Flow fields that matter to the test, completed with the fields the spec
    requires, for ``prism_spec``'s examples."""
    defaults = {
        "flowSyntax": "CDAR",
        "flowProfile": "Basic",
        "processingRule": "B2B",
        "processingRuleSource": "Input",
        "flowType": "CustomerInvoiceLC",
        "flowDirection": "In",
        "submittedAt": "2026-12-01T09:00:00Z",
        "updatedAt": "2026-12-01T09:00:00Z",
        "acknowledgement": {"status": "Ok"},
    }
    return {"limit": 100, "results": [dict(defaults, **flow) for flow in flows]}


def flow_answer(**values):
    """A ``GET /v1/flows/{flowId}`` answer (Flow) for ``prism_spec``'s metadata examples:
    an e-reporting file we sent, with ``values`` (e.g. its ``acknowledgement``)."""
    flow = {
        "flowId": "flow-frr",
        "trackingId": "frr",
        "name": "report.xml",
        "flowSyntax": "FRR",
        "flowProfile": "Undefined",
        "processingRule": "NotApplicable",
        "processingRuleSource": "Input",
        "flowType": "AggregatedCustomerTransactionReport",
        "flowDirection": "Out",
        "submittedAt": "2026-12-01T09:00:00Z",
        "updatedAt": "2026-12-01T10:00:00Z",
        "acknowledgement": {"status": "Ok"},
    }
    flow.update(values)
    return flow


def start_prism(name, log_dir=None, examples=None):
    """Start Prism on the ``name`` spec (with ``examples``, see ``prism_spec``); returns
    ``(process, base_url)``."""
    binary = prism_binary()
    port = _free_port()
    log_dir = log_dir or os.path.join(ROOT, "var")
    os.makedirs(log_dir, exist_ok=True)
    suffix = "-examples" if examples else ""
    log = open(os.path.join(log_dir, "prism-%s%s.log" % (name, suffix)), "w", encoding="utf-8")
    # -d: answers generated from the schemas (the files' own examples break their schemas)
    proc = subprocess.Popen(
        [
            binary,
            "mock",
            "-d",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            prism_spec(name, log_dir, examples=examples),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Prism stopped at start, see var/prism-%s.log" % name)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("Prism did not listen within 60 s")


def stop_prism(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def prism_urls():
    """``{"flow": url, "directory": url}`` of the running local platform, or None."""
    urls = {name: os.environ.get(var) for name, var in ENV.items()}
    if all(urls.values()):
        return urls
    if not prism_binary():
        return None
    for name, var in ENV.items():
        proc, url = start_prism(name)
        _started.append(proc)
        os.environ[var] = url
        urls[name] = url
    return urls


@atexit.register
def _stop():
    for proc in _started:
        stop_prism(proc)


_apis = {}


def openapi(name, base_url):
    """openapi-core's view of one spec, served at ``base_url``."""
    key = (name, base_url)
    if key not in _apis:
        from openapi_core import Config, OpenAPI

        with open(SPECS[name], encoding="utf-8") as spec_file:
            spec = yaml.safe_load(spec_file)
        spec = copy.deepcopy(spec)
        # the files' server is a template of a production URL: here it is Prism
        spec["servers"] = [{"url": base_url}]
        config = Config(extra_media_type_deserializers={"multipart/form-data": _multipart_loads})
        _apis[key] = OpenAPI.from_dict(spec, config=config)
    return _apis[key]


def _prism_own_error(response):
    """Prism cannot make a file for ``GET /v1/flows/{id}?docType=Original`` (the spec gives
    ``application/octet-stream`` no schema): it answers its own 500 problem+json, which is
    no answer of the spec to validate; the client takes it as a 5xx (retry later)."""
    return response.status_code == 500 and response.headers.get("Content-Type", "").startswith(
        "application/problem+json"
    )


def _schema_errors(exc):
    while exc is not None:
        errors = getattr(exc, "schema_errors", None)
        if errors:
            return list(errors)
        exc = exc.__cause__
    return None


def _only_known_defects(exc):
    """Two contradictions of the files make Prism's generated answers fail them, and are the
    only response errors tolerated: the Flow spec gives ``sha256`` both ``format: byte``
    (base64) and a hexadecimal pattern; the Directory spec allows ``Upcoming`` and
    ``Disabled`` as directory line statuses with ``maxLength: 7`` (Prism sends them cut)."""
    errors = _schema_errors(exc)
    if not errors:
        return False
    return all(
        list(error.path)[-1:] == ["sha256"] or error.instance in ("Upcomin", "Disable")
        for error in errors
    )


def _multipart_loads(value, **parameters):
    """multipart/form-data with the parts the spec encodes as JSON (``flowInfo``) decoded:
    openapi-core applies the encoding's ``style`` and leaves such a part as bytes."""
    import email.parser
    import json

    from werkzeug.datastructures import ImmutableMultiDict

    boundary = parameters.get("boundary", "")
    text = 'Content-Type: multipart/form-data; boundary="%s"\n\n' % boundary
    message = email.parser.BytesParser().parsebytes(text.encode() + value)
    items = []
    for part in message.get_payload():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_content_type() == "application/json":
            payload = json.loads(payload)
        items.append((name, payload))
    return ImmutableMultiDict(items)


class ValidatingSession(requests.Session):
    """A session that checks every exchange with the platform against the OpenAPI files.

    ``log`` keeps ``(method, path, status, body)`` of each exchange (the JSON body, the
    parts of a multipart one, or None); ``prefer`` is a list of ``Prefer`` header values
    (Prism: ``code=429``) given to the next requests, one each, so that a test can make the
    platform answer an error once.
    """

    def __init__(self, urls):
        super().__init__()
        self.urls = urls
        self.log = []
        self.prefer = []
        self.errors = []

    def send(self, request, **kwargs):
        from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

        name = next((n for n, url in self.urls.items() if request.url.startswith(url)), None)
        if name and self.prefer:
            request.headers["Prefer"] = self.prefer.pop(0)
        response = super().send(request, **kwargs)
        if name:
            api = openapi(name, self.urls[name])
            oa_request = RequestsOpenAPIRequest(request)
            api.validate_request(oa_request)
            try:
                if not _prism_own_error(response):
                    api.validate_response(oa_request, RequestsOpenAPIResponse(response))
            except Exception as exc:
                if not _only_known_defects(exc):
                    raise
            body = None
            content_type = request.headers.get("Content-Type", "")
            if content_type.startswith("application/json"):
                import json

                body = json.loads(request.body)
            elif content_type.startswith("multipart/form-data"):  # flowInfo and the file
                boundary = content_type.split("boundary=", 1)[1].strip('"')
                body = _multipart_loads(request.body, boundary=boundary).to_dict()
            path = request.path_url.split("?")[0]
            self.log.append((request.method, path, response.status_code, body))
        return response
