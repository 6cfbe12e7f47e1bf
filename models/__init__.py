from . import support_catalog_mixin
from . import support_team
from . import support_stage
from . import support_priority
from . import support_category
from . import support_ticket
from . import support_ticket_reply
from . import res_partner
