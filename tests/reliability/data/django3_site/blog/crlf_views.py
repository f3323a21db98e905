import django.utils.translation
from django.utils.translation import ugettext


def hello():
    return ugettext("hello") + django.utils.translation.ugettext("x")
