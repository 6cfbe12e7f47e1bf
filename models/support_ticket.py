"""Support ticket: core fields and life cycle (defaults, states, actions)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

ORIGINS = [("manual", "Manual"), ("email", "Email"), ("portal", "Portal")]


class SupportTicket(models.Model):
    _name = "support.ticket"
    _description = "Support ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["code", "name"]
    _primary_email = "email_from"
    _mail_post_access = "read"
    _check_company_auto = True
    code = fields.Char(
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
        help="Unique reference of the ticket, for example TKT-00042.",
    )
    name = fields.Char(string="Subject", required=True, tracking=True, index="trigram")
    description = fields.Html(
        help="What the customer needs: the first message of the conversation."
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        # indexed with the company: _partner_company_idx
        check_company=True,
    )
    partner_email = fields.Char(related="partner_id.email", string="Customer email")
    category_id = fields.Many2one(
        "support.category",
        string="Category",
        compute="_compute_category_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    priority_id = fields.Many2one(
        "support.priority",
        string="Priority",
        compute="_compute_priority_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    team_id = fields.Many2one(
        "support.team",
        string="Area",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        check_company=True,
    )
    stage_id = fields.Many2one(
        "support.stage",
        string="State",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index="btree_not_null",
        domain=[("share", "=", False)],
        check_company=True,
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual", readonly=True)
    # indexed: the mail gateway counts the tickets a sender opened in the
    # last two hours (its loop check) for every email that opens one, and
    # lists filter on the creation date
    create_date = fields.Datetime(string="Created on", readonly=True, index=True)
    email_from = fields.Char(
        string="Sender email",
        help="Address the ticket came from, when it was opened by email.",
    )
    assigned_date = fields.Datetime(
        compute="_compute_assigned_date", store=True, readonly=True, copy=False
    )
    closed_date = fields.Datetime(
        compute="_compute_closed_date", store=True, readonly=True, copy=False
    )
    is_locked = fields.Boolean(
        string="Locked",
        compute="_compute_is_locked",
        store=True,
        precompute=True,
        index=True,
        help="Resolved and closed tickets accept no new replies until they are "
        "reopened.",
    )
    creator_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_creator_partner_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        string="Opened by",
        help="Who opened the ticket: the user who created it, or the customer who "
        "wrote when it came by email or from the portal.",
    )
    creator_name = fields.Char(
        compute="_compute_creator_name",
        store=True,
        precompute=True,
        string="Creator",
        help="Name of who opened the ticket, or the sender's address when it came "
        "by email from an address without a contact.",
    )
    stage_color = fields.Selection(related="stage_id.color", string="State colour")
    priority_color = fields.Selection(
        related="priority_id.color", string="Priority colour"
    )
    priority_icon = fields.Char(related="priority_id.icon", string="Priority icon")
    priority_sequence = fields.Integer(
        related="priority_id.sequence",
        store=True,
        precompute=True,
        string="Priority order",
        # indexed with the priority and the id: _priority_order_idx
    )
    partner_phone = fields.Char(related="partner_id.phone", string="Customer phone")

    _code_company_uniq = models.Constraint(
        "UNIQUE (code, company_id)",
        "A ticket code must be unique per company.",
    )

    _open_idx = models.Index("(team_id, stage_id) WHERE is_locked IS NOT TRUE")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    def _catalog_defaults(self, model_name):
        """Default value of a catalog for each company of ``self``, one search
        per company rather than per ticket."""
        Catalog = self.env[model_name]
        return {company: Catalog._get_default(company) for company in self.company_id}

    @api.depends("company_id")
    def _compute_category_id(self):
        todo = self.filtered(lambda t: not t.category_id)
        defaults = todo._catalog_defaults("support.category")
        for ticket in todo:
            ticket.category_id = defaults.get(ticket.company_id)

    @api.depends("company_id")
    def _compute_priority_id(self):
        todo = self.filtered(lambda t: not t.priority_id)
        defaults = todo._catalog_defaults("support.priority")
        for ticket in todo:
            ticket.priority_id = defaults.get(ticket.company_id)

    @api.depends("company_id")
    def _compute_stage_id(self):
        todo = self.filtered(lambda t: not t.stage_id)
        defaults = todo._catalog_defaults("support.stage")
        for ticket in todo:
            ticket.stage_id = defaults.get(ticket.company_id)

    @api.depends("category_id")
    def _compute_team_id(self):
        with_category = self.filtered(lambda t: t.category_id.team_id)
        for ticket in with_category:
            ticket.team_id = ticket.category_id.team_id
        todo = (self - with_category).filtered(lambda t: not t.team_id)
        defaults = todo._catalog_defaults("support.team")
        for ticket in todo:
            ticket.team_id = defaults.get(ticket.company_id)

    @api.depends("category_id")
    def _compute_user_id(self):
        for ticket in self:
            if not ticket.user_id and ticket.category_id.user_id:
                ticket.user_id = ticket.category_id.user_id

    @api.depends("user_id")
    def _compute_assigned_date(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.assigned_date = now if ticket.user_id else False

    @api.depends("stage_id")
    def _compute_closed_date(self):
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.stage_id.is_closed:
                ticket.closed_date = ticket.closed_date or now
            else:
                ticket.closed_date = False

    @api.depends("stage_id.is_closed", "stage_id.is_resolved")
    def _compute_is_locked(self):
        for ticket in self:
            ticket.is_locked = ticket.stage_id.is_locking

    @api.depends("origin", "partner_id", "create_uid")
    def _compute_creator_partner_id(self):
        for ticket in self:
            if ticket.origin != "manual":
                # the customer who wrote, not the user the mail gateway or the
                # portal ran as; none for an unknown sender, shown by their
                # address
                ticket.creator_partner_id = ticket.partner_id
            else:
                ticket.creator_partner_id = (
                    ticket.create_uid or self.env.user
                ).partner_id

    @api.depends("creator_partner_id.name", "email_from")
    def _compute_creator_name(self):
        for ticket in self:
            ticket.creator_name = (
                ticket.creator_partner_id.name or ticket.email_from or False
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"
        return res

    @api.depends("code", "name")
    def _compute_display_name(self):
        for ticket in self:
            if ticket.code and ticket.id:
                ticket.display_name = f"{ticket.code} {ticket.name or ''}".strip()
            else:
                ticket.display_name = ticket.name or ""

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        company_ids = self.env.companies.ids + [False]
        return stages.search([("company_id", "in", company_ids)])

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        new_label = self.env._("New")
        by_company = {}
        for vals in vals_list:
            if not vals.get("code") or vals["code"] == new_label:
                company_id = vals.get("company_id") or self.env.company.id
                by_company.setdefault(company_id, []).append(vals)
        for company_id, company_vals in by_company.items():
            company = self.env["res.company"].browse(company_id)
            for vals, code in zip(
                company_vals, self._next_codes(company, len(company_vals)), strict=True
            ):
                vals["code"] = code
        if self.env.registry.ready:
            # acknowledged by a job, once the transaction is committed (not
            # while data is loaded: install, update, demo)
            for vals in vals_list:
                vals.setdefault("ack_pending", not vals.get("is_auto_submitted"))
        tickets = super().create(vals_list)
        tickets._bind_attachments()
        if any(tickets.mapped("ack_pending")):
            tickets._trigger_acknowledgements()
        return tickets

    def write(self, vals):
        if "code" in vals and not self.env.su:
            raise UserError(self.env._("The code of a ticket cannot be changed."))
        finishing = self.browse()
        if vals.get("stage_id"):
            stage = self.env["support.stage"].browse(vals["stage_id"])
            if stage.is_locking:
                finishing = self.filtered(lambda t: t.stage_id != stage)
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._bind_attachments()
        finishing._send_done_notification()
        return res

    def unlink(self):
        # delete the replies through the ORM so that their attachments go too
        self.reply_ids.sudo().unlink()
        return super().unlink()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for ticket, vals in zip(self, vals_list, strict=True):
            vals.setdefault(
                "name", self.env._("%(subject)s (copy)", subject=ticket.name)
            )
        return vals_list

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_reopen(self):
        for company, tickets in (
            self.filtered("is_locked").grouped("company_id").items()
        ):
            stage = self.env["support.stage"]._get_reopen_stage(company)
            if not stage:
                raise UserError(
                    self.env._(
                        "There is no open state to reopen the ticket in: "
                        "create one first."
                    )
                )
            tickets.write({"stage_id": stage.id})
        return True

    def action_change_stage(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change state"),
            "res_model": "support.ticket.stage.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_delete(self):
        """Delete the tickets with their replies and files (administrators)."""
        if not self.env.user.has_group("support_ticket.group_support_admin"):
            raise UserError(
                self.env._("Only support administrators can delete tickets.")
            )
        self.unlink()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_ticket.support_ticket_action"
        )
        action["target"] = "main"
        return action

    # ------------------------------------------------------------
    # Tracking and settings
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.stage_id:
            return self.env.ref("support_ticket.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        # by its id, without reading it: most new tickets only log it
        return self.env["mail.message.subtype"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("support_ticket.mt_ticket_new")
        )

    @api.model
    def _support_param(self, key, default=False):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"support_ticket.{key}", default)
        )
