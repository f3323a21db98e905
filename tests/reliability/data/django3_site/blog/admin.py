from django.contrib import admin
from django.utils.translation import ugettext_lazy as _, ugettext
from django.utils.encoding import force_text

from .models import Post


class PostAdmin(admin.ModelAdmin):
    list_display = ("title",)

    def title(self, obj):
        return force_text(obj.title) + ugettext(" (draft)")

    title.short_description = _("Title")


admin.site.register(Post, PostAdmin)
