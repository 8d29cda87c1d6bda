# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from odoo import models
from odoo.tools.pdf import merge_pdf


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # account: the general terms of sale (CGV PDF) of a French company follow its printed
        # invoice; Send & Print then embeds the Factur-X into the whole document
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if not res_ids:
            return streams
        report = self._get_report(report_ref)
        if report.model != "account.move" or not report.is_invoice_report:
            return streams
        moves = self.env["account.move"].browse(list(streams)).exists()
        # a PDF reloaded from its stored attachment already carries its CGV
        moves = moves.filtered(
            lambda m: not streams[m.id].get("attachment") and streams[m.id].get("stream")
        )
        for move in moves:
            cgv = move._fr_cgv_pdf()
            if cgv:
                stream = streams[move.id]
                stream["stream"] = io.BytesIO(merge_pdf([stream["stream"].getvalue(), cgv]))
        return streams
