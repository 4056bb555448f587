"""The admin's user change page posted back as a browser would, for tests of what it saves."""

import re
from html import unescape as html_unescape

from django.urls import reverse


def change_form(client, user):
    """The admin's change page of `user` as the browser would post it back, unchanged."""
    return form_fields(
        client.get(reverse("admin:units_user_change", args=[user.pk])).content.decode()
    )


def form_fields(html: str) -> dict:
    """The fields of an admin change page's form with the values the page shows."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'\sname="([^"]+)"', tag)
        if not name or "__prefix__" in name.group(1):
            continue
        if 'type="submit"' in tag:  # a browser sends only the button clicked
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(
        r'<select[^>]*\sname="([^"]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        if "__prefix__" in name:
            continue
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        if chosen:
            data[name] = chosen if len(chosen) > 1 else chosen[0]
    for name, text in re.findall(
        r'<textarea[^>]*\sname="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = html_unescape(text.lstrip("\n"))
    return data


def add_grant(data, user, **fields):
    n = int(data["role_grants-TOTAL_FORMS"])
    data["role_grants-TOTAL_FORMS"] = str(n + 1)
    data[f"role_grants-{n}-user"] = str(user.pk)
    for name, value in fields.items():
        data[f"role_grants-{n}-{name}"] = value
    return data


def admin_post(client, user, data):
    return client.post(reverse("admin:units_user_change", args=[user.pk]), data)
