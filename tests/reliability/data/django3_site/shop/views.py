# -*- coding: utf-8 -*-
"""Shop views, written for Django 1.11 and carried forward."""
from __future__ import unicode_literals

import collections
from collections import Mapping, OrderedDict  # noqa: F401 -- OrderedDict stays

from django.conf.urls import url
from django.core.urlresolvers import reverse, NoReverseMatch
from django.shortcuts import render_to_response
from django.utils import six
from django.utils.encoding import force_text, smart_text
from django.utils.http import is_safe_url, urlquote, urlquote_plus
from django.utils.translation import ugettext as _, ugettext_lazy, ungettext


def product(request, slug):
    title = force_text(slug)
    label = smart_text(request.GET.get("label", ""))
    if not is_safe_url(request.GET.get("next"), allowed_hosts={request.get_host()}):
        return None
    plural = ungettext("%(n)d item", "%(n)d items", 3)
    link = urlquote(reverse("shop:product", args=[slug])) + urlquote_plus(label)
    if isinstance(request.GET, collections.Mapping):
        pass
    return render_to_response("shop/product.html", {"title": _(title), "plural": plural, "link": link})


LABEL = ugettext_lazy("Shop")
TEXT_TYPE = six.text_type


def urls():
    try:
        return [url(r"^(?P<slug>[-\w]+)/$", product, name="product")]
    except NoReverseMatch:
        return []
