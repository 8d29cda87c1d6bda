"""Lifecycle statuses of an invoice (CDAR, UN/CEFACT D22B, French rules XP Z12-012): parse,
build and validate offline (pure Python, no Odoo import).

- :func:`parse` reads a CDAR into plain data: its header (who emitted it, when, to whom) and
  one entry per invoice it is about (``ReferenceReferencedDocument``: a CDAR may carry several,
  ``MultipleReferencesIndicator``), each with its status code (MDT-105), reason codes and texts,
  requested actions and characteristics (the amounts per VAT rate of a 212 *Encaissée*).
  pyfrctc's ``parse_cdar`` merges the values of several referenced documents into one and keeps
  neither the emitter's role nor MDT-224 (VAT rate), so it does not fit; we read with lxml.
- :func:`statuses` flattens a parsed CDAR into one status per referenced invoice.
- :func:`build` writes the CDAR of a status we emit (212 *Encaissée*, 209 *Complétée*, answers
  to a 207). pyfrctc's ``generate_cdar`` cannot write MDT-224 (``ValuePercent``), which the
  BR-FR-CDV-14 rule requires on every amount of a 212, so the XML is written here, in the
  element order of the XSD.
- :func:`check` validates a CDAR against the D22B XSD and the FNFE-MPE BR-FR-CDV schematron
  (V1.4.0), both shipped by pyfrctc, the schematron compiled and run with saxonche offline
  (pyfrctc's own check POSTs to a Saxon HTTP server and skips the check when none answers).
  Zero blocking fired rules means valid.
"""

import atexit
import datetime
import importlib.resources
import threading

from lxml import etree

from . import facturx_check, safe_xml

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
GUIDELINE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
XSD_FILE = "cdar-xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
XSLT_FILE = "cdar-schematron/BR-FR-CDV-Schematron-CDAR.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
DATE_FORMATS = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}

# Invoice lifecycle statuses (XP Z12-012 annex A V1.4, MDT-105), with their official French
# label. A code missing here is still parsed, stored and shown with the CDAR's own label.
STATUS_LABELS = {
    "200": "Déposée",
    "201": "Émise par la plateforme",
    "202": "Reçue par la plateforme",
    "203": "Mise à disposition",
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "209": "Complétée",
    "210": "Refusée",
    "211": "Paiement transmis",
    "212": "Encaissée",
    "213": "Rejetée",
    "214": "Visée",
    "220": "Annulée",
    "221": "Erreur de routage",
    "501": "Irrecevable",
}
# statuses sent to the tax administration (PPF data hub) as well as to the other party
MANDATORY = ("200", "210", "212", "213")
# statuses that must carry a reason code (BR-FR-CDV-15)
REASON_REQUIRED = ("206", "207", "208", "210", "213", "501")
# statuses set by the platforms (transmission phase, MDT-77 = 305) vs by the parties (23)
TRANSMISSION = ("200", "201", "202", "203", "213", "221", "501")
# The phase of each status in the invoice's lifecycle, in the order of the lifecycle of
# XP Z12-012 (annex A, the lifecycle statuses V1.4; the same cycle as the DGFiP external
# specifications of e-invoicing, chapter "cycle de vie"): first the transmission phase, set by
# the platforms (200 Déposée, 201 Émise, 202 Reçue, 203 Mise à disposition: MDT-77 = 305), then
# the processing phase, set by the buyer and answered by the seller (204 Prise en charge to
# 209 Complétée, 214 Visée: MDT-77 = 23), then payment (211 Paiement transmis, 212 Encaissée,
# the last statuses of a cycle that went well). Some statuses end the cycle whenever they come:
# a refusal by the buyer (210), a rejection or an inadmissible or undeliverable invoice set
# by a platform (213, 501, 221), a cancellation (220): no status of an earlier phase follows
# them. The rule we implement (see current_status): a status replaces the current one only
# when its phase is the same or a later one; within a phase, the latest date wins. So the
# invoice's status never goes back in time, whatever the order and dates in which statuses
# arrive: a 202 dated after a 205 does not make the invoice "Reçue" again, a transmission
# status dated after a 207 En litige does not lift the dispute. A code the lifecycle does
# not know ranks below every known one (it is shown until a known status arrives).
PHASE_TRANSMISSION, PHASE_PROCESSING, PHASE_PAYMENT, PHASE_END = 1, 2, 3, 4
PHASE_RANK = {
    "200": PHASE_TRANSMISSION,
    "201": PHASE_TRANSMISSION,
    "202": PHASE_TRANSMISSION,
    "203": PHASE_TRANSMISSION,
    "204": PHASE_PROCESSING,
    "205": PHASE_PROCESSING,
    "206": PHASE_PROCESSING,
    "207": PHASE_PROCESSING,
    "208": PHASE_PROCESSING,
    "209": PHASE_PROCESSING,
    "214": PHASE_PROCESSING,
    "211": PHASE_PAYMENT,
    "212": PHASE_PAYMENT,
    "210": PHASE_END,
    "213": PHASE_END,
    "220": PHASE_END,
    "221": PHASE_END,
    "501": PHASE_END,
}
# UN/CEFACT status code (MDT-88) of the processing-phase statuses (BR-FR-CDV-CL-05)
UN_STATUS_CODES = {
    "204": "45",
    "205": "1",
    "206": "49",
    "207": "46",
    "208": "39",
    "209": "37",
    "210": "50",
    "211": "47",
    "212": "47",
}
# reason codes (MDT-113, BR-FR-CDV-CL-09) with their French wording
REASON_LABELS = {
    "NON_TRANSMISE": "Facture non transmise",
    "JUSTIF_ABS": "Justificatif absent",
    "ROUTAGE_ERR": "Erreur de routage",
    "AUTRE": "Autre motif",
    "COORD_BANC_ERR": "Coordonnées bancaires erronées",
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul",
    "NON_CONFORME": "Mention légale manquante ou non conforme",
    "DOUBLON": "Facture en doublon",
    "DEST_INC": "Destinataire inconnu",
    "DEST_ERR": "Destinataire erroné",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Numéro de commande erroné ou absent",
    "ADR_ERR": "Adresse de facturation électronique erronée",
    "SIRET_ERR": "SIRET erroné ou absent",
    "CODE_ROUTAGE_ERR": "Code de routage erroné ou absent",
    "REF_CT_ABSENT": "Référence contractuelle absente",
    "REF_ERR": "Référence erronée",
    "PU_ERR": "Prix unitaire erroné",
    "REM_ERR": "Remise erronée",
    "QTE_ERR": "Quantité erronée",
    "ART_ERR": "Article erroné",
    "MODPAI_ERR": "Modalités de paiement erronées",
    "QUALITE_ERR": "Qualité non conforme",
    "LIVR_INCOMP": "Livraison incomplète",
    "REJ_SEMAN": "Rejet pour erreur sémantique",
    "REJ_UNI": "Rejet pour non-unicité",
    "REJ_COH": "Rejet pour incohérence",
    "REJ_ADR": "Rejet pour erreur d'adressage",
    "REJ_CONT_B2G": "Rejet pour contrôle B2G",
    "REJ_REF_PJ": "Rejet : pièce jointe référencée absente",
    "REJ_ASS_PJ": "Rejet : erreur d'association de la pièce jointe",
}
# requested actions (MDT-121, BR-FR-CDV-CL-10)
ACTION_LABELS = {
    "NOA": "Aucune action",
    "PIN": "Fournir des informations",
    "NIN": "Émettre une nouvelle facture",
    "CNF": "Émettre un avoir total",
    "CNP": "Émettre un avoir partiel",
    "CNA": "Émettre un avoir du montant indiqué",
    "OTH": "Autre action",
}
ROLE_LABELS = {
    "SE": "Vendeur",
    "BY": "Acheteur",
    "WK": "Plateforme",
    "DFH": "Portail public de facturation",
    "SR": "Représentant fiscal du vendeur",
    "AB": "Agent de l'acheteur",
    "DL": "Affactureur",
    "PE": "Bénéficiaire",
    "PR": "Payeur",
    "II": "Émetteur de la facture",
    "IV": "Facturé",
}
# the PPF (tax administration's data hub) as a recipient of a mandatory status (V1.4: 0000)
PPF = {"ids": {"0238": "0000"}, "name": "PPF", "role": "DFH"}


class CdarError(ValueError):
    """The bytes are not a CDAR we can read (not XML, or not a CDAR document)."""


def label(code, fallback=""):
    """The official French label of a status code, else ``fallback`` (the CDAR's own)."""
    return STATUS_LABELS.get(code or "", fallback or "")


# ----------------------------------------------------------------------
# Parse
# ----------------------------------------------------------------------


def _text(node, path):
    found = node.find(path, NS) if node is not None else None
    if found is None or found.text is None:
        return ""
    return found.text.strip()


def _texts(node, path):
    return [elem.text.strip() for elem in node.findall(path, NS) if elem.text and elem.text.strip()]


def _datetime(node, path):
    """A DateTimeString (formats 102, 203, 204) as a naive datetime, or None."""
    found = node.find(path, NS) if node is not None else None
    if found is None or not (found.text or "").strip():
        return None
    value = found.text.strip()
    fmt = DATE_FORMATS.get(found.get("format") or "204")
    try:
        return datetime.datetime.strptime(value, fmt or DATE_FORMATS["204"])
    except ValueError:
        for fallback in DATE_FORMATS.values():
            try:
                return datetime.datetime.strptime(value, fallback)
            except ValueError:
                continue
    return None


def _party(node):
    if node is None:
        return {}
    ids = {}
    for global_id in node.findall("ram:GlobalID", NS):
        if global_id.text and global_id.text.strip():
            ids[global_id.get("schemeID") or ""] = global_id.text.strip()
    uri = node.find("ram:URIUniversalCommunication/ram:URIID", NS)
    return {
        "ids": ids,
        "name": _text(node, "ram:Name"),
        "role": _text(node, "ram:RoleCode"),
        "uri": (uri.text or "").strip() if uri is not None else "",
        "uri_scheme": (uri.get("schemeID") or "") if uri is not None else "",
    }


def _amount(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _characteristic(node):
    amount = node.find("ram:ValueAmount", NS)
    return {
        "id": _text(node, "ram:ID"),
        "type_code": _text(node, "ram:TypeCode"),
        "changed": _text(node, "ram:ValueChangedIndicator/udt:IndicatorString").lower() == "true",
        "name": _text(node, "ram:Name"),
        "location": _text(node, "ram:Location"),
        "amount": _amount(amount.text) if amount is not None else None,
        "currency": (amount.get("currencyID") or "") if amount is not None else "",
        "percent": _amount(_text(node, "ram:ValuePercent") or None),
        "date": _datetime(node, "ram:ValueDateTime/udt:DateTimeString"),
        "value": _text(node, "ram:Value"),
    }


def _detail(node):
    sequence = _text(node, "ram:SequenceNumeric")
    return {
        "code": _text(node, "ram:ProcessConditionCode"),
        "reason_code": _text(node, "ram:ReasonCode"),
        "reasons": _texts(node, "ram:Reason"),
        "action_code": _text(node, "ram:RequestedActionCode"),
        "actions": _texts(node, "ram:RequestedAction"),
        "sequence": int(sequence) if sequence.isdigit() else None,
        "notes": _texts(node, "ram:IncludedNote/ram:Content"),
        "characteristics": [
            _characteristic(item)
            for item in node.findall("ram:SpecifiedDocumentCharacteristic", NS)
        ],
    }


def _reference(node):
    invoice_date = _datetime(node, "ram:FormattedIssueDateTime/qdt:DateTimeString")
    return {
        "invoice_number": _text(node, "ram:IssuerAssignedID"),
        "un_status_code": _text(node, "ram:StatusCode"),
        "document_type": _text(node, "ram:TypeCode"),
        "receipt_datetime": _datetime(node, "ram:ReceiptDateTime/udt:DateTimeString"),
        "invoice_date": invoice_date.date() if invoice_date else None,
        "code": _text(node, "ram:ProcessConditionCode"),
        "label": " ".join(_texts(node, "ram:ProcessCondition")),
        "seller_ids": _party(node.find("ram:IssuerTradeParty", NS)).get("ids", {}),
        "details": [_detail(item) for item in node.findall("ram:SpecifiedDocumentStatus", NS)],
    }


def _root(xml):
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if not xml or not xml.strip():
        raise CdarError("The lifecycle message is empty.")
    xml = xml.lstrip(b"\xef\xbb\xbf")  # the official examples start with a byte-order mark
    if safe_xml.has_doctype(xml):
        raise CdarError(
            "The lifecycle message declares a DOCTYPE (entities or a DTD), which is not "
            "accepted: it was refused and not read."
        )
    try:
        root = etree.fromstring(xml, parser=safe_xml.parser())
    except etree.XMLSyntaxError as error:
        raise CdarError(f"The lifecycle message is not XML: {error}") from error
    if root.tag != "{%s}CrossDomainAcknowledgementAndResponse" % NS["rsm"]:
        raise CdarError(
            f"The lifecycle message is not a CDAR (root element {etree.QName(root).localname})."
        )
    return root


def parse(xml):
    """Read a CDAR (bytes or str) into plain data. Raise :class:`CdarError` when it is not XML
    or not a CDAR; a CDAR that breaks the rules still parses (see :func:`check`)."""
    root = _root(xml)
    context = root.find("rsm:ExchangedDocumentContext", NS)
    document = root.find("rsm:ExchangedDocument", NS)
    ack = root.find("rsm:AcknowledgementDocument", NS)
    return {
        "business_process": _text(
            context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        "guideline": _text(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
        "document_id": _text(document, "ram:ID"),
        "name": _text(document, "ram:Name"),
        "issue_datetime": _datetime(document, "ram:IssueDateTime/udt:DateTimeString"),
        "sender_role": _text(document, "ram:SenderTradeParty/ram:RoleCode"),
        "issuer": _party(
            document.find("ram:IssuerTradeParty", NS) if document is not None else None
        ),
        "recipients": [
            _party(node)
            for node in (
                document.findall("ram:RecipientTradeParty", NS) if document is not None else []
            )
        ],
        "multiple": _text(ack, "ram:MultipleReferencesIndicator/udt:Indicator").lower() == "true",
        "type_code": _text(ack, "ram:TypeCode"),
        "status_datetime": _datetime(ack, "ram:IssueDateTime/udt:DateTimeString"),
        "references": [
            _reference(node)
            for node in (
                ack.findall("ram:ReferenceReferencedDocument", NS) if ack is not None else []
            )
        ],
    }


def siren_of(ids):
    """The SIREN in a ``{schemeID: id}`` map: scheme 0002, else the first 9 digits of a SIRET
    (0009), else an electronic address (0225) that starts with 9 digits."""
    for scheme in ("0002", "0009", "0225"):
        value = (ids or {}).get(scheme) or ""
        if len(value) >= 9 and value[:9].isdigit():
            return value[:9]
    return ""


def phase_rank(code):
    """The phase of status ``code`` in the lifecycle (PHASE_RANK); 0 for an unknown code."""
    return PHASE_RANK.get(code or "", 0)


def current_status(items):
    """The current status among ``items``, dicts with ``code``, ``date`` and an ``id`` (the
    order they were recorded in), whatever order they come in: the one of the latest phase
    (see PHASE_RANK), the latest dated within it, the last recorded among equal dates.
    None when there is none."""
    items = list(items)
    if not items:
        return None
    return max(items, key=lambda item: (phase_rank(item["code"]), item["date"], item["id"]))


def statuses(parsed):
    """One status per invoice a parsed CDAR is about, as flat plain data ready to store."""
    issuer = parsed.get("issuer") or {}
    result = []
    for ref in parsed.get("references", []):
        code = ref["code"] or next((d["code"] for d in ref["details"] if d["code"]), "")
        reason_codes = [d["reason_code"] for d in ref["details"] if d["reason_code"]]
        reason_lines = []
        for detail in ref["details"]:
            for text in detail["reasons"] + detail["notes"]:
                if text not in reason_lines:
                    reason_lines.append(text)
        action_codes = [d["action_code"] for d in ref["details"] if d["action_code"]]
        amounts = [
            {"rate": item["percent"], "amount": item["amount"], "currency": item["currency"]}
            for detail in ref["details"]
            for item in detail["characteristics"]
            if item["type_code"] == "MEN" and item["amount"] is not None
        ]
        result.append(
            {
                "code": code,
                "label": label(code, ref["label"].replace("_", " ")),
                "known": code in STATUS_LABELS,
                "cdar_label": ref["label"],
                "date": parsed.get("status_datetime") or parsed.get("issue_datetime"),
                "message_date": parsed.get("issue_datetime"),
                "document_id": parsed.get("document_id") or "",
                "invoice_number": ref["invoice_number"],
                "invoice_date": ref["invoice_date"],
                "document_type": ref["document_type"],
                "seller_siren": siren_of(ref["seller_ids"]),
                "reason_code": ", ".join(reason_codes),
                "reason": "\n".join(reason_lines),
                "action_code": ", ".join(action_codes),
                "action": "\n".join(a for d in ref["details"] for a in d["actions"]),
                "emitter_role": issuer.get("role") or parsed.get("sender_role") or "",
                "emitter_name": issuer.get("name") or "",
                "emitter_id": siren_of(issuer.get("ids"))
                or next(iter(issuer.get("ids", {}).values()), ""),
                "phase": "transmission" if parsed.get("type_code") == "305" else "processing",
                "amounts": amounts,
            }
        )
    return result


# ----------------------------------------------------------------------
# Build
# ----------------------------------------------------------------------


def _el(parent, tag, text=None, **attrib):
    prefix, name = tag.split(":")
    elem = etree.SubElement(parent, "{%s}%s" % (NS[prefix], name), **attrib)
    if text is not None:
        elem.text = str(text)
    return elem


def _dt(parent, tag, value, fmt="204", ns="udt"):
    wrapper = _el(parent, tag)
    _el(wrapper, f"{ns}:DateTimeString", value.strftime(DATE_FORMATS[fmt]), format=fmt)
    return wrapper


def _party_el(parent, tag, party):
    node = _el(parent, tag)
    for scheme, value in (party.get("ids") or {}).items():
        _el(node, "ram:GlobalID", value, schemeID=scheme)
    if party.get("name"):
        _el(node, "ram:Name", party["name"][:200])
    _el(node, "ram:RoleCode", party["role"])
    if party.get("uri"):
        uri = _el(node, "ram:URIUniversalCommunication")
        _el(uri, "ram:URIID", party["uri"], schemeID=party.get("uri_scheme") or "0225")
    return node


def _decimal(value, digits=2):
    return f"{value:.{digits}f}"


def build(data):
    """The CDAR (bytes, UTF-8) of one status on one invoice, from plain data::

        {"document_id", "issue_datetime", "status_datetime", "business_process",
         "sender_role", "issuer": {"ids": {"0002": siren}, "name", "role"},
         "recipients": [{"ids", "name", "role", "uri", "uri_scheme"}],
         "invoice_number", "invoice_type", "invoice_date", "receipt_datetime" (optional),
         "seller_siren", "code", "reason_code", "reason", "action_code", "action", "note",
         "amounts": [{"rate": 20.0, "amount": 1200.0, "currency": "EUR"}]}

    ``amounts`` are the amounts received per VAT rate (tax included) of a 212 *Encaissée*
    (MEN characteristics, BR-FR-CDV-14). Validate the result with :func:`check`.
    """
    code = data["code"]
    root = etree.Element(
        "{%s}CrossDomainAcknowledgementAndResponse" % NS["rsm"],
        nsmap={key: NS[key] for key in ("rsm", "ram", "udt", "qdt")},
    )
    context = _el(root, "rsm:ExchangedDocumentContext")
    process = _el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _el(process, "ram:ID", data.get("business_process") or "REGULATED")
    guideline = _el(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _el(guideline, "ram:ID", GUIDELINE)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", data["document_id"])
    if data.get("name"):
        _el(document, "ram:Name", data["name"])
    _dt(document, "ram:IssueDateTime", data["issue_datetime"])
    sender = _el(document, "ram:SenderTradeParty")
    _el(sender, "ram:RoleCode", data.get("sender_role") or data["issuer"]["role"])
    _party_el(document, "ram:IssuerTradeParty", data["issuer"])
    for recipient in data["recipients"]:
        _party_el(document, "ram:RecipientTradeParty", recipient)

    ack = _el(root, "rsm:AcknowledgementDocument")
    indicator = _el(ack, "ram:MultipleReferencesIndicator")
    _el(indicator, "udt:Indicator", "false")
    _el(ack, "ram:TypeCode", "305" if code in TRANSMISSION else "23")
    _dt(ack, "ram:IssueDateTime", data.get("status_datetime") or data["issue_datetime"])
    ref = _el(ack, "ram:ReferenceReferencedDocument")
    _el(ref, "ram:IssuerAssignedID", data["invoice_number"])
    if UN_STATUS_CODES.get(code):
        _el(ref, "ram:StatusCode", UN_STATUS_CODES[code])
    _el(ref, "ram:TypeCode", data.get("invoice_type") or "380")
    if data.get("receipt_datetime"):
        _dt(ref, "ram:ReceiptDateTime", data["receipt_datetime"])
    _dt(ref, "ram:FormattedIssueDateTime", data["invoice_date"], fmt="102", ns="qdt")
    _el(ref, "ram:ProcessConditionCode", code)
    _el(ref, "ram:ProcessCondition", label(code, data.get("label")))
    seller = _el(ref, "ram:IssuerTradeParty")
    _el(seller, "ram:GlobalID", data["seller_siren"], schemeID="0002")

    status = _el(ref, "ram:SpecifiedDocumentStatus")
    if data.get("reason_code"):
        _el(status, "ram:ReasonCode", data["reason_code"])
        _el(status, "ram:Reason", data.get("reason") or REASON_LABELS.get(data["reason_code"], ""))
    if data.get("action_code"):
        _el(status, "ram:RequestedActionCode", data["action_code"])
        _el(
            status,
            "ram:RequestedAction",
            data.get("action") or ACTION_LABELS.get(data["action_code"], ""),
        )
    _el(status, "ram:SequenceNumeric", 1)
    if data.get("note"):
        note = _el(status, "ram:IncludedNote")
        _el(note, "ram:Content", data["note"])
    for amount in data.get("amounts") or []:
        item = _el(status, "ram:SpecifiedDocumentCharacteristic")
        _el(item, "ram:TypeCode", "MEN")
        changed = _el(item, "ram:ValueChangedIndicator")
        _el(changed, "udt:IndicatorString", "false")
        _el(item, "ram:ValueAmount", _decimal(amount["amount"]), currencyID=amount["currency"])
        _el(item, "ram:ValuePercent", _decimal(amount["rate"]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ----------------------------------------------------------------------
# Validate
# ----------------------------------------------------------------------

_cache = {}
_cache_lock = threading.Lock()
# release the compiled stylesheet before the Saxon processor at exit (see facturx_check)
atexit.register(_cache.clear)


def _resource(path):
    return str(importlib.resources.files("pyfrctc").joinpath(path))


def _schema():
    with _cache_lock:
        if "xsd" not in _cache:
            _cache["xsd"] = etree.XMLSchema(file=_resource(XSD_FILE))
        return _cache["xsd"]


def _fired(rule, text, source, location=""):
    return {"rule": rule, "source": source, "flag": "fatal", "text": text, "location": location}


def check_xsd(xml):
    """The XSD errors of a CDAR, as fired rules (empty: valid)."""
    try:
        root = _root(xml)
    except CdarError as error:
        return [_fired("XML", str(error), "xml")]
    schema = _schema()
    if schema.validate(root):
        return []
    return [
        _fired("XSD", f"line {error.line}: {error.message}", "xsd") for error in schema.error_log
    ]


def check_schematron(xml):
    """The blocking fired rules of the BR-FR-CDV schematron (empty: valid)."""
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8")
    xml = xml.lstrip("\ufeff")
    if safe_xml.has_doctype(xml):  # Saxon would resolve the entities it declares
        return [_fired("DOCTYPE", safe_xml.DOCTYPE_MESSAGE, "xml")]
    with facturx_check._lock:  # one Saxon processor per process, shared with Factur-X checks
        processor = facturx_check.processor()
        if "xslt" not in _cache:
            _cache["xslt"] = processor.new_xslt30_processor().compile_stylesheet(
                stylesheet_file=_resource(XSLT_FILE)
            )
        node = processor.parse_xml(xml_text=xml)
        report = _cache["xslt"].transform_to_string(xdm_node=node)
    fired = []
    for elem in etree.fromstring(report.encode("utf-8"), parser=safe_xml.parser()).iter(
        SVRL + "failed-assert", SVRL + "successful-report"
    ):
        flag = elem.get("flag")
        if flag not in facturx_check.BLOCKING_FLAGS:
            continue
        text = " ".join("".join(elem.itertext()).split())
        fired.append(_fired(elem.get("id") or "", text, "br-fr-cdv", elem.get("location") or ""))
    return fired


def check(xml):
    """Validate a CDAR: the XSD first (an XSD failure stops there), then the BR-FR-CDV
    schematron. Return the blocking fired rules; an empty list means valid."""
    fired = check_xsd(xml)
    if fired:
        return fired
    return check_schematron(xml)


def rule_ids(fired):
    """'BR-FR-CDV-16_MDT-124-2' -> 'BR-FR-CDV-16', as a set."""
    return {item["rule"].split("_", 1)[0] for item in fired}


# ----------------------------------------------------------------------
# 212 Encaissée: the amount received per VAT rate
# ----------------------------------------------------------------------


def received_per_rate(lines, invoice_total, paid):
    """The part of a payment that pays the lines whose VAT is due on receipts, per VAT rate,
    tax included, pro rata of the invoice's amounts (BR-FR-CDV-14: one MEN amount per rate).

    ``lines``: ``[{"rate": 20.0, "total": 1200.0}]``, the tax-included total of each invoice
    line whose VAT is due on receipts (services without the option for debits), in the
    currency of ``paid``; ``invoice_total``: the invoice's tax-included total; ``paid``: the
    amount of this payment (negative for a credit note refunded). Returns
    ``[{"rate": 20.0, "amount": 600.0}]`` sorted by rate, rounded to the cent, the rounding
    difference on the largest amount so that the parts add up to the pro-rata total.
    """
    if not invoice_total or not paid:
        return []
    per_rate = {}
    for line in lines:
        if line["total"]:
            per_rate[float(line["rate"])] = per_rate.get(float(line["rate"]), 0.0) + line["total"]
    if not per_rate:
        return []
    ratio = paid / abs(invoice_total)
    exact_total = round(sum(per_rate.values()) * ratio, 2)
    result = [
        {"rate": rate, "amount": round(total * ratio, 2)}
        for rate, total in sorted(per_rate.items())
        if round(total * ratio, 2)
    ]
    if result:
        largest = max(result, key=lambda item: abs(item["amount"]))
        largest["amount"] = round(
            largest["amount"] + exact_total - sum(item["amount"] for item in result), 2
        )
    return result
