from . import test_support_ticket
from . import test_support_catalog
from . import test_support_access
from . import test_support_performance
from . import test_support_ui
from . import test_support_i18n
from . import test_support_mail_gateway
from . import test_support_mail_outgoing
from . import test_support_portal
from . import test_support_portal_ui
from . import test_support_display
from . import test_support_readme
from . import test_support_contract
from . import test_support_time
from . import test_support_quote
from . import test_support_quote_flow
from . import test_support_quote_access
from . import test_support_access_matrix
from . import test_support_bad_input
from . import test_support_concurrency
from . import test_support_mail_trust
from . import test_support_mail_corpus
from . import test_support_mail_concurrency
<<<<<<< HEAD
from . import test_support_rating
from . import test_support_merge
from . import test_support_canned
from . import test_support_answer_quality
from . import test_support_answer
from . import test_support_answer_portal
from . import test_support_channel
from . import test_support_sla
from . import test_support_assignment
=======
from . import test_support_autoclose
from . import test_support_overview
from . import test_support_api
>>>>>>> lead
