"""Home Affairs manages its units' staff accounts in the browser: the list (who never logged
in, whose link did not go), one new account, a file of many (an import job: a worker's
preview, confirmed on the job page), deactivation and the link sent again. The rules and the
audit are scoring.services.accounts'; every page is narrowed to the organisers the officer
manages (Permission.MANAGE_ACCOUNTS; the system admin: all)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scoring.access import get_setup_organisers_for_user
from scoring.selectors.accounts import (
    LinkState,
    link_states,
    organiser_units,
    staff_account,
    staff_accounts,
)
from scoring.services.accounts import (
    COLUMNS,
    account_link_resend,
    staff_account_activate,
    staff_account_create,
)
from scoring.services.staff_accounts_jobs import staff_accounts_import_queue
from units.roles import Permission

from ..forms_accounts import (
    AccountActiveForm,
    AccountFilterForm,
    AccountsFileForm,
    StaffAccountForm,
)
from .common import REFUSALS, add_errors

PAGE_SIZE = 25


def _organisers(request) -> list:
    return get_setup_organisers_for_user(request.user, Permission.MANAGE_ACCOUNTS)


def _account(request, pk: int):
    """A unit-staff account of the officer's units, or 404 (another organiser's is not shown)."""
    account = staff_account(organisers=_organisers(request), pk=pk)
    if account is None:
        raise Http404
    return account


@login_required
@require_GET
def accounts_list(request):
    organisers = _organisers(request)
    units = organiser_units(organisers=organisers)
    filters = AccountFilterForm(request.GET or None, units=units)
    data = filters.cleaned_data if filters.is_valid() else {}
    active = {"1": True, "0": False}.get(data.get("active") or "")
    accounts = staff_accounts(
        organisers=organisers,
        unit=data.get("unit"),
        active=active,
        never_logged_in=bool(data.get("never")),
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    states = link_states([account.pk for account in page])
    rows = [(account, states.get(account.pk)) for account in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scoring/setup/accounts.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode() + "&" if query else "",
            "param": "page",
            "LinkState": {"FAILED": LinkState.FAILED, "SENT": LinkState.SENT},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    organisers = _organisers(request)
    form = StaffAccountForm(request.POST or None, units=organiser_units(organisers=organisers))
    if request.method == "POST" and form.is_valid():
        try:
            saved = staff_account_create(by=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            name, unit = saved.user.get_full_name(), form.cleaned_data["unit"].name
            if saved.created:
                messages.success(
                    request,
                    _(
                        "The account “%(username)s” of %(name)s (%(unit)s) is created; the link "
                        "to set a password is sent to %(email)s."
                    )
                    % {
                        "username": saved.user.username,
                        "name": name,
                        "unit": unit,
                        "email": saved.user.email,
                    },
                )
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s already had the account “%(username)s”: it now also works "
                        "for %(unit)s."
                    )
                    % {"name": name, "username": saved.user.username, "unit": unit},
                )
            return redirect(reverse("scoring:setup_accounts") + f"#account-{saved.user.pk}")
    return render(request, "scoring/setup/account_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_active(request, pk: int, active: bool):
    """GET asks for the reason and a confirmation; POST switches the account off or on."""
    account = _account(request, pk)
    form = AccountActiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_account_activate(
                user=account, active=active, reason=form.cleaned_data["reason"], by=request.user
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            text = (
                _("The account “%(username)s” is active again.")
                if active
                else _("The account “%(username)s” is deactivated: it can no longer log in.")
            )
            messages.success(request, text % {"username": account.username})
            return redirect(reverse("scoring:setup_accounts") + f"#account-{account.pk}")
    return render(
        request,
        "scoring/setup/account_active.html",
        {"account": account, "form": form, "active": active},
    )


@login_required
@require_POST
def account_send_link(request, pk: int):
    account = _account(request, pk)
    try:
        account_link_resend(user=account, by=request.user)
    except REFUSALS as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The link to set a password is sent again to %(email)s.") % {"email": account.email},
        )
    return redirect(reverse("scoring:setup_accounts") + f"#account-{account.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def accounts_import(request):
    """The file goes to an import job (staff_accounts_jobs): a worker checks every row, its page
    shows what each will do and takes the confirmation before anything is created."""
    _organisers(request)
    form = AccountsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = staff_accounts_import_queue(data=upload.read(), filename=upload.name, by=request.user)
        return redirect("scoring:import_job", pk=job.pk)
    return render(
        request,
        "scoring/setup/accounts_import.html",
        {"form": form, "columns": [names[0] for names in COLUMNS.values()]},
    )


@login_required
@require_GET
def accounts_template(request):
    """The workbook to fill in: the columns, an instructions row, and the organiser's unit codes
    on a second sheet; code and phone columns are text so Excel keeps leading zeros."""
    from_units = organiser_units(organisers=_organisers(request))
    return HttpResponse(
        _template_workbook(list(from_units)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="mau-tai-khoan-can-bo.xlsx"'},
    )


def _template_workbook(units) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Accounts")[:31]
    headers = [names[0] for names in COLUMNS.values()]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_columns = ("A", "D", "F", "G")  # unit code, username, phone, organiser code
    for column in text_columns:
        for row in range(2, 1002):
            sheet[f"{column}{row}"].number_format = "@"
    for column, width in zip("ABCDEFG", (14, 30, 32, 20, 24, 16, 26), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    listing = workbook.create_sheet(_("Units")[:31])
    listing.append([_("Unit code"), _("Unit"), COLUMNS["organiser"][0]])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for unit in units:
        listing.append([unit.code, unit.name, unit.organiser.code])
        for column in (1, 2, 3):
            listing.cell(row=listing.max_row, column=column).data_type = "s"
        listing.cell(row=listing.max_row, column=1).number_format = "@"
        listing.cell(row=listing.max_row, column=3).number_format = "@"
    listing.column_dimensions["A"].width = 14
    listing.column_dimensions["B"].width = 50
    listing.column_dimensions["C"].width = 26
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
