import six


def status_line():
    return "%d %s" % (six.moves.http_client.OK, six.text_type("ok"))
