# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import api, models

from ..tools import cdar

DEMO_PLATFORM = "Plateforme agréée (démo)"
DEMO_REJECTED_REF = "DEMO-PA-REJET"
DEMO_STOP_REASON = (
    "Démonstration : cette plateforme n'est reliée à aucun serveur. Saisissez les adresses "
    "et les identifiants de votre plateforme agréée, puis cliquez sur Reprendre."
)


class BillingPaPlatform(models.Model):
    _inherit = "billing.pa.platform"  # demo data of the e-invoicing screens

    @api.model
    def _billing_pa_demo_data(self):
        """Demo: a platform of the demo company, stopped (its made-up URLs are never called:
        no cron runs a stopped platform, and nothing here calls the network), the demo
        invoices sent to it and their lifecycle statuses recorded as the poller records them,
        from CDAR files: the B2B invoice received then disputed (207), an invoice rejected
        (213), and, when billing_dunning's demo is there, the most overdue invoice of
        Transports Garnier disputed (207). Run again, it adds nothing."""
        b2b = self.env.ref("billing_fr_compliance.invoice_demo_b2b", raise_if_not_found=False)
        if not b2b or b2b.state != "posted":
            return False
        lang = self.env["res.lang"]._get_code("fr_FR") or self.env.lang
        # in French, as a French clerk's actions would write them (chatter of the statuses)
        env = self.with_context(lang=lang, tz="Europe/Paris").env
        company = b2b.company_id
        Platform = env["billing.pa.platform"].with_context(active_test=False)
        platform = Platform.search([("company_id", "=", company.id), ("name", "=", DEMO_PLATFORM)])
        if not platform:
            platform = Platform.create(
                {
                    "name": DEMO_PLATFORM,
                    "company_id": company.id,
                    "flow_url": "https://pa.example/afnor/flow",
                    "directory_url": "https://pa.example/afnor/directory",
                    "token_url": "https://pa.example/oauth/token",
                    "client_id": "odoo-demo",
                    "client_secret": "demo-secret-not-a-real-one",
                    "state": "stopped",
                    "stop_reason": DEMO_STOP_REASON,
                }
            )
        moves = env["account.move"]
        rejected = moves.search(
            [("company_id", "=", company.id), ("ref", "=", DEMO_REJECTED_REF)], limit=1
        )
        if not rejected:
            rejected = moves.create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": env.ref("billing_fr_compliance.partner_demo_bernard").id,
                    "ref": DEMO_REJECTED_REF,
                    "invoice_date": b2b.invoice_date + datetime.timedelta(days=3),
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": env.ref(
                                    "billing_fr_compliance.product_demo_renovation"
                                ).id,
                                "quantity": 6,
                                "price_unit": 60.0,
                            },
                        )
                    ],
                }
            )
            rejected.action_post()
        disputed = Platform._billing_pa_demo_garnier_invoice(company)
        credit_note = env.ref("billing_fr_compliance.credit_note_demo_b2b")
        sent = b2b | rejected | disputed
        todo = (sent | credit_note).filtered(lambda move: not move.billing_pa_flow_id)
        todo._billing_pa_enqueue_invoices()
        for move in sent:
            flow = move.billing_pa_flow_id
            if flow.state == "to_send":
                flow.write(
                    {
                        "state": "sent",
                        "platform_flow_id": "DEMO-%s" % move.name.replace("/", "-"),
                        "sent_date": datetime.datetime.combine(
                            move.invoice_date, datetime.time(9, 0)
                        ),
                        "attempts": 1,
                    }
                )
        statuses = [
            (b2b, "200", 0, 10, {}),
            (b2b, "202", 0, 11, {}),
            (b2b, "204", 1, 9, {}),
            (
                b2b,
                "207",
                2,
                15,
                {
                    "reason_code": "QTE_ERR",
                    "reason": "10 chaises livrées, 12 facturées : merci de joindre le bon de "
                    "livraison signé.",
                    "action_code": "PIN",
                },
            ),
            (
                rejected,
                "213",
                0,
                10,
                {
                    "reason_code": "REJ_SEMAN",
                    "reason": "BR-FR-12 : l'adresse électronique de l'acheteur (BT-49) est "
                    "absente.",
                    "action_code": "NIN",
                },
            ),
        ]
        if disputed:
            statuses += [
                (disputed, "200", 0, 10, {}),
                (
                    disputed,
                    "207",
                    6,
                    14,
                    {
                        "reason_code": "LIVR_INCOMP",
                        "reason": "Livraison du 12 incomplète : 2 palettes manquantes.",
                        "action_code": "PIN",
                    },
                ),
            ]
        for move, code, days, hour, values in statuses:
            platform._billing_pa_demo_record(move, code, days, hour, **values)
        env["billing.fr.ereport"]._billing_ereport_demo_data(platform)
        return platform

    @api.model
    def _billing_pa_demo_garnier_invoice(self, company):
        """The most overdue posted invoice of billing_dunning's demo customer Transports
        Garnier SAS, when that demo is installed."""
        garnier = self.env.ref("billing_dunning.demo_partner_garnier", raise_if_not_found=False)
        if not garnier:
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", garnier.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="invoice_date_due, id",
            limit=1,
        )

    def _billing_pa_demo_record(self, move, code, days, hour, **values):
        """Record the status ``code`` of ``move`` from a CDAR file, as the poller does (the
        same file recorded twice is recognised by its document id)."""
        self.ensure_one()
        when = datetime.datetime.combine(
            move.invoice_date + datetime.timedelta(days=days), datetime.time(hour, 0)
        )
        company = move.company_id
        seller = {
            "ids": {"0002": company.siren},
            "name": company.partner_id.name,
            "role": "SE",
            "uri": company.siren,
        }
        buyer_partner = move.commercial_partner_id
        buyer_siren = buyer_partner.siren or (buyer_partner.vat or "")[4:13]
        buyer = {
            "ids": {"0002": buyer_siren},
            "name": buyer_partner.name,
            "role": "BY",
            "uri": buyer_siren,
        }
        issuer = {"name": self.name, "role": "WK"} if code in cdar.TRANSMISSION else buyer
        data = {
            "document_id": "%s_%s_%s" % (move.name, code, when.strftime("%Y%m%d%H%M%S")),
            "issue_datetime": when,
            "status_datetime": when,
            "sender_role": "WK",
            "issuer": issuer,
            "recipients": [seller],
            "invoice_number": move.name,
            "invoice_type": "380",
            "invoice_date": move.invoice_date,
            "seller_siren": company.siren,
            "code": code,
            **values,
        }
        self.env["account.move"]._billing_pa_record_cdar(cdar.build(data), platform=self)
