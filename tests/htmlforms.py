"""Read a form out of a rendered page and send it back as a browser would.

``BrowserForm(html)`` collects the fields of the page's first ``method="post"`` form
other than the admin's logout button (or of the one with ``id=form_id``): text and
hidden inputs, ticked checkboxes and radios, selected options, textareas. Change values
with ``form[name] = value`` (a list for several values) and post ``form.data()``.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Parser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.checkboxes: list[tuple[str, str, bool]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            form_id = attrs.get("id")
            wanted = form_id == self.form_id if self.form_id else form_id != "logout-form"
            self.inside = wanted and (attrs.get("method") or "").lower() == "post"
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.checkboxes.append((name, attrs.get("value", "on"), "checked" in attrs))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


class BrowserForm:
    def __init__(self, html: str, form_id: str | None = None):
        parser = _Parser(form_id)
        parser.feed(html)
        self.values: dict[str, list[str]] = {}
        for name, value in parser.fields:
            self.values.setdefault(name, []).append(value)
        self.ticks = {(name, value): checked for name, value, checked in parser.checkboxes}

    def __setitem__(self, name: str, value) -> None:
        self.values[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def __getitem__(self, name: str) -> str:
        return self.values[name][0]

    def tick(self, name: str, value: str = "on", checked: bool = True) -> None:
        assert (name, value) in self.ticks, f"no box {name}={value} in the form"
        self.ticks[(name, value)] = checked

    def data(self) -> dict[str, list[str]]:
        data = {name: list(values) for name, values in self.values.items()}
        for (name, value), checked in self.ticks.items():
            if checked:
                data.setdefault(name, []).append(value)
        return data

    def field_count(self) -> int:
        return sum(len(values) for values in self.values.values()) + sum(self.ticks.values())


def admin_change_form(client, obj) -> tuple[str, BrowserForm]:
    """The admin change page of ``obj``: its address and its form as shown."""
    from django.urls import reverse

    meta = obj._meta
    address = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = client.get(address)
    assert response.status_code == 200
    return address, BrowserForm(response.content.decode())
