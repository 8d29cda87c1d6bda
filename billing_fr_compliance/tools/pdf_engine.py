"""What the PDF engine can print (pure Python).

Odoo renders the report header and footer as separate pages that wkhtmltopdf adds with
``--header-html`` / ``--footer-html``: only a wkhtmltopdf built against its patched Qt (the
packages of wkhtmltopdf.org, whose ``--version`` reads "wkhtmltopdf 0.12.6 (with patched
qt)") supports these options. The one Debian and Ubuntu ship is built against plain Qt
("wkhtmltopdf 0.12.6"; its ``--help`` lists them under "Reduced Functionality"): it prints
the body only, without the company's header and footer.
"""


def prints_header_footer(version_output):
    """Whether the wkhtmltopdf that answered ``version_output`` to ``--version`` prints
    Odoo's report header and footer (patched Qt). Empty output (no binary): False."""
    return "patched qt" in (version_output or "").lower()
