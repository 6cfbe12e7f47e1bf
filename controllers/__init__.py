from . import portal
from . import support_form
from . import portal_account
from . import portal_rating
from . import portal_merge
from . import support_answer
from . import support_channel
