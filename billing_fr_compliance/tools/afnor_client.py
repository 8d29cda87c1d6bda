"""Client of the AFNOR XP Z12-013 API that every approved platform (PA) exposes.

Pure Python over ``requests`` (no Odoo import): the Flow Service (send a flow, search flows
with a cursor, download a flow, healthcheck) and the Directory Service (SIREN, SIRET, routing
codes, directory lines), version 1.3.0 of the OpenAPI annexes (copies in
``billing_fr_compliance/tests/data/afnor``).

The base URLs come from our configuration, so any PA works. pyfrctc (PyPI) has client
functions for the same API, but they build their URLs from its own table of platforms (one
PA today) and cannot be pointed at a configured base URL; this module keeps its conventions
(``flowInfo`` as a JSON part beside the file, pagination by ``nextCursor``) and adds what
pyfrctc leaves to the caller: typed errors and the idempotency look-up by trackingId.

Errors are typed so the queue knows what to do:

- :class:`AfnorRetryableError`: 429, 5xx, network failure or time-out; ``retry_after`` is
  the server's ``Retry-After`` in seconds when it sent one;
- :class:`AfnorRejectedError`: 400, 404, 413, 422 (the request itself is wrong: retrying
  the same request cannot help); ``code`` and ``message`` are the platform's;
- :class:`AfnorAuthError`: 401, 403 (credentials or rights: stop everything for that PA).

Secrets (client secret, tokens) are never logged nor put in an exception message.
"""

import email.utils
import hashlib
import json
import logging
import time
import uuid

import requests

_logger = logging.getLogger(__name__)

TIMEOUT = 30
SEARCH_LIMIT = 100  # the maximum the Flow Service accepts
FLOW_SYNTAXES = ("CII", "UBL", "Factur-X", "CDAR", "FRR")
PROCESSING_RULES = (
    "B2B",
    "B2BInt",
    "B2C",
    "B2G",
    "B2GInt",
    "OutOfScope",
    "B2GOutOfScope",
    "ArchiveOnly",
    "NotApplicable",
)
FLOW_PROFILES = ("Basic", "CIUS", "Extended-CTC-FR")
DOC_TYPES = ("Metadata", "Original", "Converted", "ReadableView")
LIFECYCLE_FLOW_TYPES = ("CustomerInvoiceLC",)
RETRYABLE_STATUSES = (408, 429, 500, 502, 503, 504)
AUTH_STATUSES = (401, 403)


class AfnorError(Exception):
    """An answer of the platform we cannot use (base class)."""

    def __init__(self, message, status=None, code=None, platform_message=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.platform_message = platform_message


class AfnorRetryableError(AfnorError):
    """429, 5xx or the network: try again later (``retry_after`` seconds if known)."""

    def __init__(self, message, status=None, code=None, platform_message=None, retry_after=None):
        super().__init__(message, status, code, platform_message)
        self.retry_after = retry_after


class AfnorRejectedError(AfnorError):
    """400, 404, 413, 422: the platform refuses this request; sending it again won't help."""


class AfnorAuthError(AfnorError):
    """401, 403: the credentials are wrong or lack a right."""


def sha256_hex(content):
    return hashlib.sha256(content).hexdigest()


def build_flow_info(
    tracking_id, file_name, content, flow_syntax, processing_rule=None, flow_profile=None
):
    """The ``flowInfo`` part of ``POST /v1/flows`` (schema FlowInfo)."""
    if flow_syntax not in FLOW_SYNTAXES:
        raise ValueError("flow_syntax must be one of %s, not %r" % (FLOW_SYNTAXES, flow_syntax))
    if processing_rule and processing_rule not in PROCESSING_RULES:
        raise ValueError("unknown processing rule %r" % processing_rule)
    if flow_profile and flow_profile not in FLOW_PROFILES:
        raise ValueError("unknown flow profile %r" % flow_profile)
    if not tracking_id or len(tracking_id) > 64:
        raise ValueError("a trackingId has 1 to 64 characters")
    if not file_name or len(file_name) > 255:
        raise ValueError("a flow file name has 1 to 255 characters")
    info = {
        "trackingId": tracking_id,
        "name": file_name,
        "flowSyntax": flow_syntax,
        "sha256": sha256_hex(content),
    }
    if processing_rule:
        info["processingRule"] = processing_rule
    if flow_profile:
        info["flowProfile"] = flow_profile
    return info


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0, int(when.timestamp() - now))


def flow_matching_tracking_id(flows, tracking_id):
    """The flow of ``flows`` (search results) that carries ``tracking_id``, or None."""
    for flow in flows or ():
        if flow.get("trackingId") == tracking_id and flow.get("flowId"):
            return flow
    return None


def acknowledgement_errors(flow):
    """Readable lines of a flow's acknowledgement details (errors and warnings)."""
    ack = (flow or {}).get("acknowledgement") or {}
    lines = []
    for detail in ack.get("details") or ():
        lines.append(
            "%s %s: %s (%s)"
            % (
                detail.get("level", ""),
                detail.get("item", ""),
                detail.get("reasonMessage", ""),
                detail.get("reasonCode", ""),
            )
        )
    return lines


class AfnorClient:
    """One platform: its Flow and Directory base URLs and its credentials.

    ``session`` (a ``requests.Session``) is created when not given; the tests give one that
    validates every request and response against the OpenAPI files.
    """

    def __init__(
        self,
        flow_url=None,
        directory_url=None,
        token_url=None,
        client_id=None,
        client_secret=None,
        bearer_token=None,
        organization_id=None,
        session=None,
        timeout=TIMEOUT,
        label=None,
    ):
        self.flow_url = (flow_url or "").rstrip("/")
        self.directory_url = (directory_url or "").rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self._bearer_token = bearer_token
        self.organization_id = organization_id
        self.session = session or requests.Session()
        self.timeout = timeout
        self.label = label or self.flow_url or self.directory_url
        self._token = None
        self._token_expires = 0

    def __repr__(self):  # never show a secret
        return "<AfnorClient %s>" % self.label

    # ---------------------------------------------------------------- authentication
    def access_token(self):
        """The bearer token: the configured one, or one from the OAuth2 token URL."""
        if self._bearer_token:
            return self._bearer_token
        if self._token and self._token_expires > time.time() + 30:
            return self._token
        if not (self.token_url and self.client_id and self._client_secret):
            raise AfnorAuthError(
                "%s: no bearer token and no OAuth2 client credentials configured" % self.label
            )
        _logger.info("%s: asking a new access token for client %s", self.label, self.client_id)
        try:
            response = self.session.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self._client_secret),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise AfnorRetryableError(
                "%s: token URL unreachable (%s)" % (self.label, type(exc).__name__)
            ) from exc
        if response.status_code in (400, 401, 403):
            raise AfnorAuthError(
                "%s: the token URL refused the client credentials (HTTP %s)"
                % (self.label, response.status_code),
                status=response.status_code,
            )
        if response.status_code != 200:
            raise AfnorRetryableError(
                "%s: token URL answered HTTP %s" % (self.label, response.status_code),
                status=response.status_code,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        try:
            payload = response.json()
            token = payload["access_token"]
        except (ValueError, KeyError) as exc:
            raise AfnorAuthError("%s: the token URL sent no access_token" % self.label) from exc
        self._token = token
        self._token_expires = time.time() + int(payload.get("expires_in") or 300)
        return token

    def _headers(self):
        headers = {
            "Authorization": "Bearer %s" % self.access_token(),
            "Request-Id": str(uuid.uuid4()),
            "Accept": "application/json",
        }
        if self.organization_id:
            headers["Organization-Id"] = self.organization_id
        return headers

    # ---------------------------------------------------------------- transport
    def _request(self, method, base, path, expected=(200,), **kwargs):
        if not base:
            raise AfnorRejectedError("%s: no base URL configured for %s" % (self.label, path))
        url = base + path
        headers = self._headers()
        headers.update(kwargs.pop("headers", {}) or {})
        _logger.debug("%s %s", method, url)
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise AfnorRetryableError(
                "%s %s: %s" % (method, url, type(exc).__name__), status=None
            ) from exc
        status = response.status_code
        if status in expected:
            return response
        code = message = None
        try:
            body = response.json()
            if isinstance(body, dict):
                code = body.get("errorCode")
                message = body.get("errorMessage") or body.get("details")
        except ValueError:
            _logger.debug("%s %s: HTTP %s without a JSON body", method, url, status)
        text = "%s %s: HTTP %s %s %s" % (method, url, status, code or "", message or "")
        if status in AUTH_STATUSES:
            self._token = None
            raise AfnorAuthError(text.strip(), status, code, message)
        if status in RETRYABLE_STATUSES or status >= 500:
            raise AfnorRetryableError(
                text.strip(),
                status,
                code,
                message,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        raise AfnorRejectedError(text.strip(), status, code, message)

    # ---------------------------------------------------------------- Flow Service
    def healthcheck(self, service="flow"):
        base = self.flow_url if service == "flow" else self.directory_url
        self._request("GET", base, "/v1/healthcheck")
        return True

    def send_flow(self, file_name, content, flow_info):
        """``POST /v1/flows``: the file and its ``flowInfo``; returns the FullFlowInfo."""
        mimetype = "application/pdf" if content[:4] == b"%PDF" else "application/xml"
        files = {
            "file": (file_name, content, mimetype),
            "flowInfo": (None, json.dumps(flow_info), "application/json"),
        }
        response = self._request(
            "POST", self.flow_url, "/v1/flows", expected=(200, 201, 202), files=files
        )
        return response.json()

    def search_flows(self, where, cursor=None, limit=SEARCH_LIMIT):
        """``POST /v1/flows/search``: one page; returns ``(results, next_cursor)``."""
        body = {"where": where, "limit": limit}
        if cursor:
            body["cursor"] = cursor
        response = self._request("POST", self.flow_url, "/v1/flows/search", json=body)
        payload = response.json() or {}
        return payload.get("results") or [], payload.get("nextCursor") or None

    def find_flow_by_tracking_id(self, tracking_id):
        """The flow the platform holds for ``tracking_id`` (idempotency look-up), or None."""
        results, _cursor = self.search_flows(
            {"trackingId": tracking_id, "flowDirection": ["Out"]}, limit=SEARCH_LIMIT
        )
        return flow_matching_tracking_id(results, tracking_id)

    def search_lifecycle_flows(self, cursor=None, limit=SEARCH_LIMIT):
        """Incoming lifecycle (CDAR) flows about our invoices, after ``cursor``."""
        return self.search_flows(
            {"flowType": list(LIFECYCLE_FLOW_TYPES), "flowDirection": ["In"]},
            cursor=cursor,
            limit=limit,
        )

    def get_flow(self, flow_id, doc_type="Metadata"):
        """``GET /v1/flows/{id}``: the metadata as a dict, or the file's bytes."""
        if doc_type not in DOC_TYPES:
            raise ValueError("doc_type must be one of %s" % (DOC_TYPES,))
        # the answer's media type, asked for (the spec offers both on the same path)
        headers = {
            "Accept": "application/json" if doc_type == "Metadata" else "application/octet-stream"
        }
        response = self._request(
            "GET",
            self.flow_url,
            "/v1/flows/%s" % requests.utils.quote(flow_id, safe=""),
            params={"docType": doc_type},
            headers=headers,
        )
        if doc_type == "Metadata":
            return response.json()
        return response.content

    # ---------------------------------------------------------------- Directory Service
    def get_siren(self, siren):
        return self._request("GET", self.directory_url, "/v1/siren/code-insee:%s" % siren).json()

    def get_siret(self, siret):
        return self._request("GET", self.directory_url, "/v1/siret/code-insee:%s" % siret).json()

    def get_routing_code(self, siret, routing_identifier):
        return self._request(
            "GET",
            self.directory_url,
            "/v1/routing-code/siret:%s/code:%s"
            % (siret, requests.utils.quote(routing_identifier, safe="")),
        ).json()

    def get_directory_line(self, addressing_identifier):
        return self._request(
            "GET",
            self.directory_url,
            "/v1/directory-line/code:%s" % requests.utils.quote(addressing_identifier, safe=""),
        ).json()

    def search_directory_lines(self, siren=None, siret=None, limit=50):
        """Directory lines of a company (SIREN) or of one of its facilities (SIRET)."""
        filters = {}
        if siren:
            filters["siren"] = {"op": "strict", "value": siren}
        if siret:
            filters["siret"] = {"op": "strict", "value": siret}
        if not filters:
            raise ValueError("a directory search needs a SIREN or a SIRET")
        body = {"filters": filters, "limit": limit, "ignore": 0}
        payload = self._request(
            "POST", self.directory_url, "/v1/directory-line/search", json=body
        ).json()
        return payload.get("results") or []


def electronic_address(addressing_identifier, siren, siret="", routing="", suffix=""):
    """The buyer's electronic address (BT-49, scheme 0225) of a directory line: its
    addressing identifier when it starts with the SIREN, as the French rules want for B2B
    (BR-FR-12), else the one the XP Z12-013 meshes compose: SIREN, SIREN_SIRET,
    SIREN_SIRET_routing code or SIREN_suffix."""
    if not siren:
        return ""
    if addressing_identifier and addressing_identifier.startswith(siren):
        return addressing_identifier
    if suffix and not siret:
        return "%s_%s" % (siren, suffix)
    parts = [siren] + ([siret] if siret else []) + ([routing] if siret and routing else [])
    return "_".join(parts)


def addressing_from_line(line):
    """What we store on a partner from one directory line (plain dict)."""
    line = line or {}
    facility = line.get("facility") or {}
    legal_unit = line.get("legalUnit") or {}
    routing_code = line.get("routingCode") or {}
    b2g = facility.get("b2gAdditionalData") or {}
    public = legal_unit.get("entityType") == "Public"
    siren = line.get("siren") or legal_unit.get("siren") or ""
    siret = line.get("siret") or facility.get("siret") or ""
    routing = line.get("routingIdentifier") or routing_code.get("routingIdentifier") or ""
    suffix = line.get("addressingSuffix") or ""
    return {
        "addressing_identifier": line.get("addressingIdentifier") or "",
        "address": electronic_address(
            line.get("addressingIdentifier"), siren, siret, routing, suffix
        ),
        "siren": siren,
        "siret": siret,
        "routing_identifier": routing,
        "suffix": suffix,
        "status": line.get("directoryLineStatus") or "",
        "public": public,
        "requires_service_code": bool(public and b2g.get("serviceCodeStatus")),
        "requires_commitment": bool(
            public
            and (
                b2g.get("managesLegalCommitmentCode") or routing_code.get("managesLegalCommitment")
            )
        ),
    }


def choose_line(lines, siret=None):
    """The directory line to address an invoice to: the partner's SIRET line when there is
    one, else the company's (SIREN only) line; enabled lines first."""
    lines = [line for line in lines or () if line]
    if not lines:
        return None

    def rank(line):
        return (
            (line.get("directoryLineStatus") or "Enabled") != "Enabled",
            not (siret and line.get("siret") == siret),
            bool(line.get("routingIdentifier") or line.get("addressingSuffix")),
            bool(line.get("siret")) and not (siret and line.get("siret") == siret),
        )

    return sorted(lines, key=rank)[0]
