text_type = str
