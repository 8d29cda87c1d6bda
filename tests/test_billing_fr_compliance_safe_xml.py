"""XML from outside never reads the server: a CDAR or a Factur-X XML that declares an external
entity pointing to a local file is refused before any parser, the XSD or Saxon reads it, and
the file's content appears nowhere in what the checks return."""

import glob
import os
import uuid

import pytest
from conftest import load_tool, shared_data
from test_billing_fr_compliance_facturx import fr_b2b

cdar = load_tool("billing_fr_compliance", "cdar")
facturx_check = load_tool("billing_fr_compliance", "facturx_check")
facturx_data = load_tool("billing_fr_compliance", "facturx_data")
safe_xml = load_tool("billing_fr_compliance", "safe_xml")

CDAR_DIR = shared_data.shared_data(*shared_data.CDAR_EXAMPLES)
CDAR_EXAMPLE = sorted(glob.glob(os.path.join(CDAR_DIR, "*")))[0] if CDAR_DIR else None


@pytest.fixture
def marker(tmp_path):
    secret = "SECRET-%s" % uuid.uuid4().hex
    path = tmp_path / "marker.txt"
    path.write_text(secret, encoding="utf-8")
    return path, secret


def _with_entity(xml, path, tag):
    """``xml`` with a DOCTYPE declaring ``&e;`` as the file at ``path``, used in ``tag``."""
    text = xml.decode("utf-8").lstrip("\ufeff")
    if text.startswith("<?xml"):
        declaration, rest = text.split("?>", 1)
        declaration += "?>"
    else:
        declaration, rest = "", text
    root_name = rest.lstrip().split(">", 1)[0].lstrip("<").split()[0]
    doctype = f'<!DOCTYPE {root_name} [<!ENTITY e SYSTEM "file://{path}">]>'
    start = rest.index(f"<{tag}>") + len(f"<{tag}>")
    rest = rest[:start] + "&e;" + rest[start:]
    return (declaration + "\n" + doctype + rest).encode("utf-8")


def _all_text(value):
    return repr(value)


@pytest.mark.skipif(not CDAR_EXAMPLE, reason=shared_data.missing(*shared_data.CDAR_EXAMPLES))
def test_cdar_with_external_entity_is_refused(marker):
    path, secret = marker
    with open(CDAR_EXAMPLE, "rb") as example:
        xml = _with_entity(example.read(), path, "ram:Name")
    assert safe_xml.has_doctype(xml)
    with pytest.raises(cdar.CdarError, match="DOCTYPE"):
        cdar.parse(xml)
    for fired in (cdar.check(xml), cdar.check_xsd(xml), cdar.check_schematron(xml)):
        assert fired, "a CDAR with a DOCTYPE must not pass"
        assert "DOCTYPE" in _all_text(fired)
        assert secret not in _all_text(fired)
    # the text form (what Saxon is given) too
    fired = cdar.check_schematron(xml.decode("utf-8"))
    assert "DOCTYPE" in _all_text(fired) and secret not in _all_text(fired)


def test_facturx_with_external_entity_is_refused(marker):
    path, secret = marker
    xml = _with_entity(facturx_data.build_xml(fr_b2b()), path, "ram:Name")
    fired = facturx_check.check(xml)
    assert [item["rule"] for item in fired] == ["DOCTYPE"]
    assert secret not in _all_text(fired)
    assert secret not in _all_text(facturx_check.user_messages(fired))
    # each step on its own refuses it before reading it
    with pytest.raises(safe_xml.UnsafeXmlError):
        facturx_check._schematron(xml.decode("utf-8"))
    with pytest.raises(safe_xml.UnsafeXmlError):
        facturx_check._local_rules(xml)


def test_internal_entities_and_dtd_refused_too():
    xml = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>'
    with pytest.raises(safe_xml.UnsafeXmlError):
        safe_xml.fromstring(xml)
    # no DOCTYPE: parsed, entities never resolved
    assert safe_xml.fromstring(b"<a>ok</a>").text == "ok"


def test_safe_parser_options():
    parser = safe_xml.parser()
    # lxml keeps the options it was given; the parser resolves nothing and loads nothing
    xml = b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]><a>&x;</a>'
    from lxml import etree

    root = etree.fromstring(xml, parser=parser)
    assert not (root.text or "").strip()
