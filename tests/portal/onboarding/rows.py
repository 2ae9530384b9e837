"""Restaurants for the onboarding pages' tests: real stored ones, and thousands made fast."""

import datetime
import uuid

from django.contrib.auth.models import Permission, User
from django.utils import timezone

from restaurants import stages
from restaurants.models import Restaurant, Stage
from tests.stored import make_restaurant, stored, variant


def ready(name, **fields):
    """A connected restaurant whose data arrived with the checklist complete (Data received)."""
    payload = make_restaurant(name=name)
    stages.follow_platform([payload["guid"]])
    Restaurant.objects.filter(pk=payload["guid"]).update(**fields)
    return Restaurant.objects.get(pk=payload["guid"])


def in_review(name, **fields):
    """A connected restaurant whose checklist is incomplete (In review)."""
    restaurant = stored(variant("restaurant_sparse", general__name=name))
    stages.follow_platform([restaurant.pk])
    Restaurant.objects.filter(pk=restaurant.pk).update(**fields)
    return Restaurant.objects.get(pk=restaurant.pk)


def many(count, *, owner=None):
    """`count` bare restaurants spread over every stage, a third of them `owner`'s,
    some with overdue next steps."""
    now = timezone.now()
    today = timezone.localdate()
    stage_list = list(Stage.values)
    Restaurant.objects.bulk_create(
        (
            Restaurant(
                guid=uuid.uuid4(),
                name=f"Bulk {n:05d}",
                stage=stage_list[n % len(stage_list)],
                stage_since=now - datetime.timedelta(days=n % 40),
                owner=owner if n % 3 == 0 else None,
                next_step=f"Call {n}" if n % 5 == 0 else "",
                next_step_due=today + datetime.timedelta(days=n % 11 - 5) if n % 5 == 0 else None,
            )
            for n in range(count)
        ),
        batch_size=1000,
    )


def viewer(username="vera"):
    """A staff user who may look at restaurants but not work on them."""
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_restaurant", content_type__app_label="restaurants")
    )
    return user
