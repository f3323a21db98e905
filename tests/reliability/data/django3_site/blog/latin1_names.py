# -*- coding: latin-1 -*-
from django.utils.encoding import smart_text
NAME = smart_text("café")
