from django.conf.urls import url, include
from django.core import urlresolvers

from . import views  # noqa

urlpatterns = [
    url(r"^$", views.index, name="index"),  # ssot: ignore[DJ010]
    url(r"^post/(?P<pk>\d+)/$", views.post),
]


def home():
    return urlresolvers.reverse("blog:index"), include
