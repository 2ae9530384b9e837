"""The contacts panel's actions on a restaurant page: contacts added, changed and
removed, the status link emailed, the automatic reminders paused or resumed.

Each needs `restaurants.work_on_restaurant` and writes its audit entry (through
restaurants/contacts.py, restaurants/reminders.py or outreach's status_email).
A refused change is a message on the page it came from, never an error page.
"""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from portal.outreach import status_email
from portal.staff.access import staff_view
from restaurants import contacts, reminders
from restaurants.models import Contact, Restaurant

PERMISSION = "restaurants.work_on_restaurant"


@staff_view(PERMISSION)
@require_POST
def add_contact(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = get_object_or_404(Restaurant, pk=guid)
    try:
        contact = contacts.add(restaurant, request.POST.dict(), by=request.user)
    except contacts.ContactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Contact {contact} added.")
    return _back(restaurant)


@staff_view(PERMISSION)
@require_POST
def change_contact(request: HttpRequest, guid: uuid.UUID, pk: int) -> HttpResponse:
    contact = _contact(guid, pk)
    try:
        changed = contacts.change(contact, request.POST.dict(), by=request.user)
    except contacts.ContactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Contact {contact} saved." if changed else "Nothing changed.")
    return _back(contact.restaurant)


@staff_view(PERMISSION)
@require_POST
def remove_contact(request: HttpRequest, guid: uuid.UUID, pk: int) -> HttpResponse:
    contact = _contact(guid, pk)
    contacts.remove(contact, by=request.user)
    messages.success(request, f"Contact {contact} removed.")
    return _back(contact.restaurant)


@staff_view(PERMISSION)
@require_POST
def email_status_link(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    """A new status link, emailed now to the contacts ticked in the panel."""
    restaurant = get_object_or_404(Restaurant.objects.select_related("connection"), pk=guid)
    if not restaurant.is_connected():  # as the status link panel: no new link for it
        messages.error(request, f"No status link for {restaurant}: it is not connected.")
        return _back(restaurant)
    ids = [value for value in request.POST.getlist("contact") if value.isdigit()]
    emails = list(
        Contact.objects.filter(restaurant=restaurant, pk__in=ids).values_list("email", flat=True)
    )
    if not emails:
        messages.error(request, "Tick at least one contact to send the status link to.")
    elif status_email.send_status_link(restaurant, emails, by=request.user):
        messages.success(request, f"Status link emailed to {', '.join(emails)}.")
    else:
        messages.error(request, "The email could not be sent; the timeline says why.")
    return _back(restaurant)


@staff_view(PERMISSION)
@require_POST
def pause_reminders(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = get_object_or_404(Restaurant, pk=guid)
    paused = request.POST.get("paused") == "1"
    reminders.set_paused(restaurant, paused, by=request.user)
    messages.success(
        request, "Automatic reminders paused." if paused else "Automatic reminders resumed."
    )
    return _back(restaurant)


def _contact(guid: uuid.UUID, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.select_related("restaurant"), pk=pk, restaurant=guid)


def _back(restaurant: Restaurant) -> HttpResponse:
    return redirect(f"{restaurant.get_absolute_url()}#contacts")
