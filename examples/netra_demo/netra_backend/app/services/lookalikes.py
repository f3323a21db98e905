"""Names that only look like deprecated APIs: none of these is a violation."""

from netra_backend.app.websocket_core import get_websocket_manager as shared_manager


class Registry:
    def get_websocket_manager(self):
        return None

    def create_websocket_manager(self, user_context=None):
        return user_context


def uses_parameter(get_websocket_manager):
    return get_websocket_manager()


def uses_local():
    create_websocket_manager = Registry().create_websocket_manager
    return create_websocket_manager(user_context=None)


def uses_attribute(registry: Registry):
    return registry.get_websocket_manager()


def uses_string():
    # get_websocket_manager() is deprecated: see the registry
    return "netra_backend.app.websocket_core.factory.get_websocket_manager()"


def shadowed():
    shared_manager = Registry.get_websocket_manager
    return shared_manager(Registry())


def suppressed(user_id, connection_id, user_context):
    first = shared_manager()  # ssot: ignore[SSOT003]
    second = shared_manager()  # noqa: SSOT003
    return first, second
