from . import portal
from . import support_form
from . import portal_account
