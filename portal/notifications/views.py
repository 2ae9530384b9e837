"""Each staff user's notification preferences: which events, and how they arrive."""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.models import NotificationPreference
from portal.staff.access import staff_view


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["delivery", "new_connection", "removal", "regression", "alert"]
        widgets = {"delivery": forms.RadioSelect}


@staff_view("restaurants.view_restaurant")
def preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # staff_view lets only a signed-in user through
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Notification preferences saved.")
        return redirect("notification-preferences")
    return render(
        request,
        "portal/notifications.html",
        {
            "form": form,
            "email": user.email,
            "chat": bool(settings.NOTIFY_WEBHOOK_URL),
        },
    )
