from . import portal
from . import support_form
