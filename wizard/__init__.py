from . import support_ticket_stage_change
