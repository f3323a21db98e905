from django.db import models
from django.utils.encoding import python_2_unicode_compatible
from django.utils.translation import ugettext_lazy as _
from django.contrib.postgres.fields import JSONField


@python_2_unicode_compatible
class Product(models.Model):
    name = models.CharField(_("name"), max_length=100)
    extra = JSONField(default=dict)

    class Meta:
        verbose_name = _("product")

    def __str__(self):
        return self.name
