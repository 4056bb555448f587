"""The landing page after login: the user's roles, the periods they work in, and their own
unit's assessments. An anonymous visitor is sent to the public results instead (reports'
portal, by its URL name: scoring never imports reports)."""

from django.shortcuts import redirect, render

from units.selectors import role_lines

from ..selectors import own_unit_assessments, periods_for_user


def home(request):
    if not request.user.is_authenticated:
        return redirect("public:landing")
    return render(
        request,
        "home.html",
        {
            "roles": role_lines(request.user),
            "periods": periods_for_user(request.user)[:10],
            "assessments": own_unit_assessments(request.user)[:10],
        },
    )
