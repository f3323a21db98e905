try:
    from django.utils.encoding import force_text
except ImportError:  # Django < 1.5
    from django.utils.encoding import force_unicode as force_text
from django.utils.translation import ugettext as _
from django.utils.translation import ugettext_lazy

TITLE = ugettext_lazy("Title")


def label(value):
    return _("Label: %s") % force_text(value)
