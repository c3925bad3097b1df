"""A part of the URL configuration imported when it is first needed, not at start-up."""

from typing import Any

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class DeferredResolver(URLResolver):
    """An ``include()`` by module name whose module is imported on the first request to
    its prefix or the first reverse of one of its names.

    ``include("module")`` imports the module at once, and Django's resolver, when it is
    first populated (the first ``reverse()`` of any name), populates every included
    resolver too. This one skips that warm-up while its module is not imported yet; its
    own names are then filled in when they are first asked for. Used for the API: its
    schemas are ~15 MB that a worker serving only pages never needs (issue 19).
    """

    def __init__(self, route: str, module: str, *, app_name: str, namespace: str) -> None:
        super().__init__(
            RoutePattern(route, is_endpoint=False), module, app_name=app_name, namespace=namespace
        )

    def _imported(self) -> bool:
        return "urlconf_module" in self.__dict__  # a cached_property, set on first use

    def _populate(self) -> None:
        if self._imported():
            super()._populate()

    def _load(self) -> None:
        self.url_patterns  # noqa: B018 (imports the module)

    @property
    def reverse_dict(self) -> Any:
        self._load()
        return super().reverse_dict

    @property
    def namespace_dict(self) -> Any:
        self._load()
        return super().namespace_dict

    @property
    def app_dict(self) -> Any:
        self._load()
        return super().app_dict

    def _is_callback(self, name: str) -> bool:
        self._load()
        return bool(super()._is_callback(name))
