from . import test_support_ticket
from . import test_support_catalog
from . import test_support_access
from . import test_support_performance
from . import test_support_ui
from . import test_support_i18n
from . import test_support_mail_gateway
from . import test_support_mail_outgoing
