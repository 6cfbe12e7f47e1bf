from . import portal
from . import support_form
from . import support_answer
from . import support_channel
