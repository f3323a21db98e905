from django.utils.encoding import force_text

SIGN = force_text("été")
