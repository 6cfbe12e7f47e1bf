import base64

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime, html2plaintext, plaintext2html

TICKET_SEQUENCE_CODE = "support.ticket"
ORIGINS = [("manual", "Manual"), ("email", "Email"), ("portal", "Portal")]


class SupportTicket(models.Model):
    _name = "support.ticket"
    _description = "Support ticket"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
        index="btree_not_null",
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
        index=True,
        help="Resolved and closed tickets accept no new replies until they are "
        "reopened.",
    )
    reply_ids = fields.One2many(
        "support.ticket.reply", "ticket_id", string="Replies", copy=False
    )
    reply_count = fields.Integer(compute="_compute_reply_count", string="Replies count")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "support_ticket_ir_attachment_rel",
        "ticket_id",
        "attachment_id",
        string="Attachments",
        copy=False,
        help="Files attached to the ticket itself; replies carry their own.",
    )
    attachment_count = fields.Integer(
        compute="_compute_attachment_count", string="Ticket attachments"
    )
    creator_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_creator_partner_id",
        string="Opened by",
        help="Who opened the ticket: the user who created it, or the customer who "
        "wrote when it came by email or from the portal.",
    )
    stage_color = fields.Selection(related="stage_id.color", string="State colour")
    priority_color = fields.Selection(
        related="priority_id.color", string="Priority colour"
    )
    priority_icon = fields.Char(related="priority_id.icon", string="Priority icon")
    priority_sequence = fields.Integer(
        related="priority_id.sequence", store=True, string="Priority order", index=True
    )

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

    def _compute_reply_count(self):
        counts = dict(
            self.env["support.ticket.reply"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.reply_count = counts.get(ticket, 0)

    @api.depends("attachment_ids")
    def _compute_attachment_count(self):
        for ticket in self:
            ticket.attachment_count = len(ticket.attachment_ids)

    @api.depends("origin", "partner_id", "create_uid")
    def _compute_creator_partner_id(self):
        for ticket in self:
            if ticket.origin != "manual" and ticket.partner_id:
                ticket.creator_partner_id = ticket.partner_id
            else:
                ticket.creator_partner_id = (
                    ticket.create_uid or self.env.user
                ).partner_id

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

    @api.model
    def _next_codes(self, company, count):
        """``count`` new codes from the ticket sequence of ``company``, drawn
        in one query when the sequence allows it."""
        Sequence = self.env["ir.sequence"].with_company(company)
        sequence = Sequence.sudo().search(
            [
                ("code", "=", TICKET_SEQUENCE_CODE),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            raise UserError(
                self.env._(
                    "The sequence of ticket codes is missing. Reinstall or update the "
                    "Support Tickets module."
                )
            )
        if sequence.implementation == "standard" and not sequence.use_date_range:
            numbers = self._draw_sequence_numbers(self.env.cr, sequence.id, count)
            return [sequence.get_next_char(number) for number in numbers]
        return [sequence._next() for _i in range(count)]

    @staticmethod
    def _draw_sequence_numbers(cr, sequence_id, count):
        """Draw ``count`` numbers of a standard ``ir.sequence`` in one query.
        PostgreSQL sequences are not transactional: concurrent transactions
        never draw the same number and never wait for each other."""
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence_id:03d}",
                count,
            )
        )
        return [number for (number,) in cr.fetchall()]

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
        tickets = super().create(vals_list)
        tickets._bind_attachments()
        return tickets

    def write(self, vals):
        if "code" in vals and not self.env.su:
            raise UserError(self.env._("The code of a ticket cannot be changed."))
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._bind_attachments()
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

    def _bind_attachments(self):
        """Attach to the ticket the files uploaded for it (they may have been
        uploaded before the ticket was saved, without a record id)."""
        for ticket in self:
            loose = ticket.attachment_ids.sudo().filtered(
                lambda a, t=ticket: (a.res_model, a.res_id) != (t._name, t.id)
                and (not a.res_id or a.res_model == t._name)
                and a.create_uid.id == self.env.uid
            )
            if loose:
                loose.write({"res_model": ticket._name, "res_id": ticket.id})

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

    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attachments"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("id", "in", self.attachment_ids.ids)],
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "create": False,
            },
        }

    # ------------------------------------------------------------
    # Conversation
    # ------------------------------------------------------------

    def _check_can_reply(self):
        locked = self.filtered("is_locked")
        if locked:
            raise UserError(
                self.env._(
                    "Ticket %(code)s is %(state)s: its conversation is locked. "
                    "Reopen it to reply.",
                    code=locked[0].code,
                    state=locked[0].stage_id.name,
                )
            )

    def _add_reply(self, body, attachments=(), **values):
        """Add a reply to the ticket.

        :param body: html (a ``Markup``) or plain text
        :param attachments: ``(name, raw bytes)`` pairs
        :param values: other fields of the reply (origin, is_internal, author_id...)
        """
        self.ensure_one()
        self._check_can_reply()
        if isinstance(body, str) and not hasattr(body, "__html__"):
            body = plaintext2html(body)
        if not html2plaintext(body or "").strip() and not attachments:
            raise UserError(
                self.env._("Write a message or attach a file before replying.")
            )
        reply = self.env["support.ticket.reply"].create(
            {"ticket_id": self.id, "body": body, **values}
        )
        if attachments:
            reply._attach_files(attachments)
        return reply

    def post_reply(
        self, body, attachment_name=None, attachment_data=None, is_internal=False
    ):
        """Reply from the back-office conversation (called by its composer).

        ``attachment_data`` is the file's content in base64."""
        self.ensure_one()
        self.check_access("write")
        attachments = []
        if attachment_data:
            attachments.append(
                (attachment_name or "attachment", base64.b64decode(attachment_data))
            )
        reply = self._add_reply(body or "", attachments, is_internal=bool(is_internal))
        return reply.id

    def get_conversation(self):
        """The conversation as the back-office widget shows it: the
        description first, then the replies in chronological order."""
        self.ensure_one()
        self.check_access("read")
        return {
            "messages": self._conversation_messages(include_internal=True),
            "locked": self.is_locked,
            "state": self.stage_id.name,
            "can_reply": not self.is_locked and self.has_access("write"),
            "can_reopen": self.is_locked and self.has_access("write"),
        }

    def _conversation_messages(self, include_internal=False):
        self.ensure_one()
        tz_env = self.env
        creator = self.creator_partner_id
        first = {
            "id": f"ticket-{self.id}",
            "kind": "description",
            "author": creator.display_name or self.email_from or "",
            "date": format_datetime(tz_env, self.create_date, dt_format="short"),
            "body": self.description or "",
            "badges": ["creator"] + (["email"] if self.origin == "email" else []),
            "email_from": self.email_from if self.origin == "email" else "",
            "tone": "email" if self.origin == "email" else "creator",
            "is_internal": False,
            "attachments": [],
        }
        replies = self.reply_ids
        if not include_internal:
            replies = replies.filtered(lambda r: not r.is_internal)
        replies = replies.sorted(lambda r: (r.date, r.id))
        return [first] + [reply._conversation_values() for reply in replies]

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.stage_id:
            return self.env.ref("support_ticket.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self.env.ref("support_ticket.mt_ticket_new")
