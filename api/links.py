"""Absolute addresses of API resources and of the portal's pages, for the links between
resources. Each kind of address is reversed once per request, with markers in place of
its arguments, and then filled in for each record (reversing one address per link of a
500-record page costs more than the rest of the page)."""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse

SLUG_MARK = "zz-link-mark-{}"
NUMBER_MARK = 918273645


def _mark(i: int, value) -> str:
    """A stand-in for ``value`` that its URL pattern accepts: digits for a number or a
    code made of digits (a TERYT code), letters otherwise."""
    if isinstance(value, int):
        return str(NUMBER_MARK + i)
    if isinstance(value, str) and value.isdigit():
        return "9" * len(value)
    return SLUG_MARK.format(i)


class Links:
    def __init__(self, request):
        self.origin = request.build_absolute_uri("/")[:-1]
        self.templates: dict[tuple, list[str]] = {}

    def url(self, name: str, **kwargs) -> str:
        """The absolute address of the view ``name`` with ``kwargs``, in the language
        active now (the pages' addresses depend on it)."""
        key = (name, *((arg, _mark(i, v)) for i, (arg, v) in enumerate(kwargs.items())))
        template = self.templates.get(key)
        if template is None:
            template = self.templates[key] = self._template(name, dict(key[1:]))
        parts = [template[0]]
        for i, arg in enumerate(kwargs):
            parts.append(quote(str(kwargs[arg]), safe=""))
            parts.append(template[i + 1])
        return self.origin + "".join(parts)

    @staticmethod
    def _template(name: str, marks: dict[str, str]) -> list[str]:
        """The address cut around its arguments: the text before the first, between
        them, after the last (each mark found from the end, where arguments are)."""
        path = reverse(name, kwargs=marks)
        pieces = []
        for mark in reversed(marks.values()):
            path, found, after = path.rpartition(mark)
            if not found:
                raise ValueError(f"{name}: the address does not hold its argument {mark}")
            pieces.append(after)
        pieces.append(path)
        return list(reversed(pieces))
