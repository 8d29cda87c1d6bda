# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing.fr.ereport in files of one concern each: see billing_fr_ereport.py)
import base64
from collections import defaultdict
from decimal import Decimal

from odoo import _, fields, models
from odoo.tools import SQL

from ..tools import facturx_data, frr

FRAMEWORK = {"goods": "B1", "services": "S1", "mixed": "M1"}


class BillingFrEreport(models.Model):
    """The FRR file of an e-report: its data from the report's lines, built with pyfrctc
    and checked offline (XSD + PPF schematron)."""

    _inherit = "billing.fr.ereport"

    # ------------------------------------------------------------------ the file
    def _billing_ereport_platform(self):
        return self.env["billing.pa.platform"].sudo()._billing_pa_for_company(self.company_id)

    def _billing_ereport_report_id(self):
        return "FRR-%s-%s-%s-%s" % (
            self.company_id.siren,
            "T" if self.kind == "transactions" else "P",
            self.date_start.strftime("%Y%m%d"),
            self.type_code + str(self.id),
        )

    def _billing_ereport_data(self):
        """The plain data of tools/frr.build."""
        company = self.company_id
        platform = self._billing_ereport_platform()
        data = {
            "id": self._billing_ereport_report_id(),
            "issue_datetime": fields.Datetime.now(),
            "type_code": self.type_code,
            "sender": {
                "id": platform.billing_ereport_matricule or "",
                "name": platform.name or "",
                "role": "WK",
            },
            "issuer": {"siren": company.siren, "name": company.name, "role": "SE"},
            "kind": self.kind,
            "start": self.date_start,
            "end": self.date_end,
        }
        if self.kind == "transactions":
            # the few sales to foreign businesses through the ORM; the tens of thousands of
            # lines of a month are never loaded as records (summed in SQL below)
            lines = self._billing_ereport_section_lines("10.1")
            data["invoices"] = [
                self._billing_ereport_invoice_data(
                    move, lines.filtered(lambda line, m=move: line.move_id == m)
                )
                for move in lines.move_id
            ]
            # 10.3: per day, category and rate, summed in SQL (tens of thousands of lines)
            per_day = defaultdict(list)
            for day, category, rate, base, tax in self.env.execute_query(
                SQL(
                    "SELECT date, category, rate, SUM(base), SUM(tax) "
                    "FROM billing_fr_ereport_line WHERE report_id = %s AND section = '10.3' "
                    "GROUP BY date, category, rate ORDER BY date, category, rate",
                    self.id,
                )
            ):
                per_day[(day, category)].append(
                    {"rate": rate, "base": Decimal(str(base)), "tax": Decimal(str(tax))}
                )
            counts = {
                (day, category): count
                for day, category, count in self.env.execute_query(
                    SQL(
                        "SELECT date, category, COUNT(DISTINCT move_id) "
                        "FROM billing_fr_ereport_line WHERE report_id = %s AND section = '10.3' "
                        "GROUP BY date, category",
                        self.id,
                    )
                )
            }
            data["transactions"] = [
                {
                    "date": day,
                    "category": category,
                    "count": counts[(day, category)],
                    "subtotals": subtotals,
                }
                for (day, category), subtotals in sorted(per_day.items())
            ]
        else:
            # 10.2 per invoice and payment day, 10.4 per day, summed in SQL (a month of a
            # shop's payments is thousands of lines: never loaded as records)
            invoices = defaultdict(list)
            for move_id, name, invoice_date, day, rate, amount in self.env.execute_query(
                SQL(
                    "SELECT l.move_id, m.name, m.invoice_date, l.date, l.rate, SUM(l.amount) "
                    "FROM billing_fr_ereport_line l JOIN account_move m ON m.id = l.move_id "
                    "WHERE l.report_id = %s AND l.section = '10.2' "
                    "GROUP BY l.move_id, m.name, m.invoice_date, l.date, l.rate "
                    "ORDER BY l.date, l.move_id, l.rate",
                    self.id,
                )
            ):
                invoices[(day, move_id, name, invoice_date)].append(
                    {"rate": rate, "amount": Decimal(str(amount))}
                )
            data["invoices"] = [
                {"number": name, "date": invoice_date, "payment_date": day, "subtotals": subtotals}
                for (day, __, name, invoice_date), subtotals in invoices.items()
            ]
            days = defaultdict(list)
            for day, rate, amount in self.env.execute_query(
                SQL(
                    "SELECT date, rate, SUM(amount) FROM billing_fr_ereport_line "
                    "WHERE report_id = %s AND section = '10.4' "
                    "GROUP BY date, rate ORDER BY date, rate",
                    self.id,
                )
            ):
                days[day].append({"rate": rate, "amount": Decimal(str(amount))})
            data["transactions"] = [
                {"date": day, "subtotals": subtotals} for day, subtotals in days.items()
            ]
        return data

    def _billing_ereport_section_lines(self, section):
        """This report's lines of ``section``, searched (not the whole ``line_ids``)."""
        return self.env["billing.fr.ereport.line"].search(
            [("report_id", "=", self.id), ("section", "=", section)], order="id"
        )

    def _billing_ereport_invoice_data(self, move, lines):
        company = self.company_id
        partner = move.commercial_partner_id
        eu = partner.country_id in self.env.ref("base.europe").country_ids
        sign = -1 if move.move_type == "out_refund" else 1
        subtotals = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for line in lines:
            subtotals[(line.vat_category, line.rate)][0] += Decimal(str(sign * line.base))
            subtotals[(line.vat_category, line.rate)][1] += Decimal(str(sign * line.tax))
        origin = move.reversed_entry_id or move._fr_facturx_corrected_invoice()
        return {
            "number": move.name,
            "date": move.invoice_date,
            "type_code": move._fr_facturx_type_code(),
            "due_date": move.invoice_date_due,
            "framework": FRAMEWORK.get(move.fr_operation_nature or "services", "S1"),
            "origins": [(origin.name, origin.invoice_date)] if origin else [],
            "seller": {"siren": company.siren, "vat": company.vat, "country": "FR"},
            "buyer": {
                "id": partner.vat or partner.company_registry or "",
                "scheme": "0223" if eu else "0227",
                "vat": partner.vat if eu else None,
                "country": partner.country_id.code,
            },
            "subtotals": [
                {
                    "base": base,
                    "tax": tax,
                    "rate": rate,
                    "category": category,
                    "exemption_code": facturx_data.EXEMPTIONS.get(category, (None, None))[0],
                    "exemption_reason": facturx_data.EXEMPTIONS.get(category, (None, None))[1],
                }
                for (category, rate), (base, tax) in sorted(subtotals.items())
            ],
        }

    def _billing_ereport_build_file(self):
        """Build and check the file; the problems it meets (empty: the file is stored)."""
        platform = self._billing_ereport_platform()
        if not platform:
            return [_("%(company)s has no e-invoicing platform.", company=self.company_id.name)]
        if self._billing_ereport_platform_extracts():
            return [
                _(
                    "The platform %(platform)s reports these sales itself (see its form): "
                    "no e-reporting file is sent.",
                    platform=platform.name,
                )
            ]
        for move in self._billing_ereport_section_lines("10.1").move_id:
            partner = move.commercial_partner_id
            if not (partner.vat or partner.company_registry):
                return [
                    _(
                        "%(move)s: %(partner)s has no VAT number nor company registry, which "
                        "e-reporting requires for a foreign business (rule G6.28).",
                        move=move.name,
                        partner=partner.display_name,
                    )
                ]
        try:
            xml = frr.build(self._billing_ereport_data())
        except frr.FrrError as error:
            return [str(error)]
        fired = frr.check(xml)
        blocking = frr.blocking(fired)
        if blocking:
            return [
                _("The file breaks rule %(rule)s: %(text)s", rule=item["rule"], text=item["text"])
                for item in blocking
            ]
        self.write(
            {
                "file": base64.b64encode(xml),
                "file_name": "%s.xml" % self._billing_ereport_report_id(),
                "tolerated": "\n".join(
                    "%s (%s): %s" % (item["rule"], item["tolerated"], item["location"])
                    for item in fired
                )
                or False,
            }
        )
        return []
