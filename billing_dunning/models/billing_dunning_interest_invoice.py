# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class BillingDunningInterestInvoice(models.AbstractModel):
    """The customer invoice of late interest and recovery indemnities: one line per late
    invoice and penalty, without VAT, in the customer's language; the late invoices are
    marked as charged (released again by account.move when it is cancelled or deleted)."""

    _name = "billing.dunning.interest.invoice"
    _description = "Dunning Interest Invoice"

    @api.model
    def _dunning_interest_invoice(self, company, partner, policy, entries, until, origin):
        """Draft customer invoice of the late interest and indemnities of ``entries``
        (``{"move", "interest", "detail", "indemnity"}``) counted up to ``until``; marks each
        late invoice as charged so that nothing is invoiced twice. Returns the invoice, or an
        empty recordset when there is nothing left to invoice."""
        Move = self.env["account.move"]
        Journal = self.env["account.journal"]
        journal = policy.journal_id or Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        if not journal:
            raise UserError(
                _(
                    "Company %(company)s has no sales journal for the interest invoice "
                    "(field: Interest journal of policy %(policy)s).",
                    company=company.name,
                    policy=policy.name,
                )
            )
        account = policy.interest_account_id or journal.default_account_id
        # late interest and the indemnity are damages, outside the scope of VAT: flagged so
        # when billing_fr_compliance (optional) knows the flag
        out_of_scope = (
            {"billing_vat_out_of_scope": True}
            if "billing_vat_out_of_scope" in self.env["account.move.line"]._fields
            else {}
        )
        # labels in the customer's language, with its date and number formats
        Labels = self.with_context(lang=partner.lang or self.env.lang)
        invoice_lines = []
        interest_moves = Move
        indemnity_moves = Move
        for entry in entries:
            move = entry["move"]
            if entry["interest"]:
                invoice_lines.append(
                    Command.create(
                        {
                            "name": Labels._dunning_interest_label(move, until, entry["detail"]),
                            "quantity": 1,
                            "price_unit": entry["interest"],
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                            "dunning_late_move_id": move.id,
                            "dunning_penalty": "interest",
                            **out_of_scope,
                        }
                    )
                )
                interest_moves |= move
            if entry["indemnity"] and not move.dunning_indemnity_invoiced:
                invoice_lines.append(
                    Command.create(
                        {
                            "name": Labels._dunning_indemnity_label(move),
                            "quantity": 1,
                            "price_unit": entry["indemnity"],
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                            "dunning_late_move_id": move.id,
                            "dunning_penalty": "indemnity",
                            **out_of_scope,
                        }
                    )
                )
                indemnity_moves |= move
        if not invoice_lines:
            return Move
        late_moves = interest_moves | indemnity_moves
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": company.id,
                "journal_id": journal.id,
                "currency_id": company.currency_id.id,
                "invoice_date": fields.Date.context_today(self),
                # the late invoices go to the Source, not to the Customer Reference: that is
                # the customer's purchase order (printed so, Factur-X BT-13), which a late
                # payment has none of
                "invoice_origin": " - ".join(
                    filter(None, [origin, Labels._dunning_ref_label(late_moves)])
                ),
                "dunning_source_move_ids": [Command.set(late_moves.ids)],
                "dunning_penalty_date": until,
                "invoice_line_ids": invoice_lines,
            }
        )
        interest_moves.write({"dunning_interest_until": until})
        indemnity_moves.write({"dunning_indemnity_invoiced": True})
        return invoice

    @api.model
    def _dunning_interest_label(self, move, until, detail):
        return _(
            "Late interest on %(invoice)s due %(due)s, until %(date)s (%(detail)s)",
            invoice=move.name,
            due=format_date(self.env, move.invoice_date_due),
            date=format_date(self.env, until),
            detail=detail or "",
        )

    @api.model
    def _dunning_indemnity_label(self, move):
        return _(
            "Fixed recovery indemnity (art. D441-5 of the French Commercial Code) for %(invoice)s",
            invoice=move.name,
        )

    @api.model
    def _dunning_ref_label(self, late_moves):
        return _("Late payment: %(invoices)s", invoices=", ".join(late_moves.mapped("name")))
