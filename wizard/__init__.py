from . import support_ticket_stage_change
from . import support_ticket_quote
from . import support_ticket_merge
