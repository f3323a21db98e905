# -*- coding: latin-1 -*-
"""Routes saved in Latin-1."""

from netra_backend.app.websocket_core import get_websocket_manager


def café_manager():
    nom = "café"; return nom, get_websocket_manager()
