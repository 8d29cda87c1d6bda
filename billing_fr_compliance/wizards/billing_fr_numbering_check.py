# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class BillingFrNumberingCheck(models.TransientModel):
    """Numbering integrity: gaps and date inversions among the posted numbers of each
    journal and series (C. com. / CGI 242 nonies A: a continuous chronological sequence)."""

    _name = "billing.fr.numbering.check"
    _description = "Numbering Integrity Check"

    journal_ids = fields.Many2many(
        "account.journal",
        string="Journals",
        domain="[('type', 'in', ('sale', 'purchase')), ('company_id', 'in', allowed_company_ids)]",
        default=lambda self: self._default_journal_ids(),
        help="Journals whose posted numbers are checked.",
    )
    line_ids = fields.One2many(
        "billing.fr.numbering.check.line", "check_id", string="Anomalies", readonly=True
    )
    checked = fields.Boolean(readonly=True)
    anomaly_count = fields.Integer(compute="_compute_anomaly_count", string="Anomalies Found")

    @api.model
    def _default_journal_ids(self):
        return self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "in", self.env.companies.ids)]
        )

    @api.depends("line_ids")
    def _compute_anomaly_count(self):
        for check in self:
            check.anomaly_count = len(check.line_ids)

    def action_check(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [fields.Command.create(vals) for vals in self._find_anomalies()],
                "checked": True,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Numbering Integrity"),
        }

    def _find_anomalies(self):
        """Gaps and date inversions, found in one query over the posted moves."""
        journals = self.journal_ids.filtered(lambda j: j.company_id in self.env.companies)
        if not journals:
            return []
        self.env["account.move"].flush_model(
            ["journal_id", "sequence_prefix", "sequence_number", "name", "date", "state"]
        )
        self.env.cr.execute(
            """
            WITH numbered AS (
                SELECT m.id, m.journal_id, m.sequence_prefix, m.sequence_number, m.date,
                       LAG(m.sequence_number) OVER w AS prev_number,
                       LAG(m.date) OVER w AS prev_date,
                       LAG(m.id) OVER w AS prev_id
                  FROM account_move m
                 WHERE m.state = 'posted'
                   AND m.journal_id = ANY(%s)
                   AND m.sequence_prefix IS NOT NULL
                WINDOW w AS (PARTITION BY m.journal_id, m.sequence_prefix
                             ORDER BY m.sequence_number)
            )
            SELECT id, journal_id, sequence_prefix, sequence_number, date,
                   prev_number, prev_date, prev_id
              FROM numbered
             WHERE prev_number IS NOT NULL
               AND (sequence_number - prev_number > 1 OR prev_date > date)
             ORDER BY journal_id, sequence_prefix, sequence_number
            """,
            [journals.ids],
        )
        anomalies = []
        for row in self.env.cr.dictfetchall():
            if row["sequence_number"] - row["prev_number"] > 1:
                anomalies.append(
                    {
                        "kind": "gap",
                        "journal_id": row["journal_id"],
                        "series": row["sequence_prefix"],
                        "move_id": row["id"],
                        "previous_move_id": row["prev_id"],
                        "missing_count": row["sequence_number"] - row["prev_number"] - 1,
                    }
                )
            if row["prev_date"] > row["date"]:
                anomalies.append(
                    {
                        "kind": "inversion",
                        "journal_id": row["journal_id"],
                        "series": row["sequence_prefix"],
                        "move_id": row["id"],
                        "previous_move_id": row["prev_id"],
                    }
                )
        return anomalies


class BillingFrNumberingCheckLine(models.TransientModel):
    _name = "billing.fr.numbering.check.line"
    _description = "Numbering Anomaly"
    _check_company_auto = True

    check_id = fields.Many2one("billing.fr.numbering.check", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="journal_id.company_id")
    kind = fields.Selection(
        selection=[("gap", "Gap in the numbers"), ("inversion", "Date inversion")],
        required=True,
    )
    journal_id = fields.Many2one("account.journal", check_company=True)
    series = fields.Char(help="Prefix of the numbers of the series.")
    move_id = fields.Many2one("account.move", string="Document", check_company=True)
    move_date = fields.Date(related="move_id.date", string="Date")
    previous_move_id = fields.Many2one(
        "account.move", string="Previous Document", check_company=True
    )
    previous_date = fields.Date(related="previous_move_id.date", string="Previous Date")
    missing_count = fields.Integer(string="Missing Numbers")
