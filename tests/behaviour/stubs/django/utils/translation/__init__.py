"""Stand-in for django.utils.translation (2.x): the u-prefixed names are aliases."""


def gettext(message):
    return message


def gettext_lazy(message):
    return message


ugettext = gettext
ugettext_lazy = gettext_lazy
