"""Parse XML that comes from outside without letting it read anything (pure Python, no Odoo).

A document that declares a DOCTYPE (where entities, external ones included, are declared) is
refused before any parser, XSD or Saxon reads it; what is parsed is parsed without entity
substitution, DTD loading or network access.
"""

import re

from lxml import etree

# a DOCTYPE may follow the XML declaration, comments and processing instructions only
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class UnsafeXmlError(ValueError):
    """The document declares a DOCTYPE: refused, nothing of it was read."""


DOCTYPE_MESSAGE = (
    "The XML document declares a DOCTYPE (entities or a DTD), which is not accepted: "
    "it was refused and not read."
)


def parser():
    """An lxml parser that resolves no entity and loads no DTD, local or remote."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def as_bytes(xml):
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    return xml or b""


def has_doctype(xml):
    """Whether ``xml`` (bytes or str, in any encoding lxml reads) declares a DOCTYPE."""
    xml = as_bytes(xml)
    if _DOCTYPE.search(xml):
        return True
    try:
        root = etree.fromstring(xml, parser=parser())
    except etree.XMLSyntaxError:
        return False  # not XML: the caller's parser says so
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


def refuse_doctype(xml):
    """Raise :class:`UnsafeXmlError` when ``xml`` declares a DOCTYPE."""
    if has_doctype(xml):
        raise UnsafeXmlError(DOCTYPE_MESSAGE)


def fromstring(xml):
    """The root element of ``xml`` (bytes or str) parsed safely; :class:`UnsafeXmlError` when
    it declares a DOCTYPE, ``lxml.etree.XMLSyntaxError`` when it is not XML."""
    xml = as_bytes(xml)
    refuse_doctype(xml)
    return etree.fromstring(xml, parser=parser())
