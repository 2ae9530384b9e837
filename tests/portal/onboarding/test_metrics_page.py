"""The metrics page: charts with their tables, CSV downloads, a fixed number of queries."""

import csv
import datetime
import io
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from restaurants import milestones
from restaurants.models import Restaurant, Stage, StageChange

pytestmark = pytest.mark.django_db


def many(count):
    """`count` restaurants, a third of them live after 5 days, in a few statements."""
    now = timezone.now()
    restaurants = [
        Restaurant(
            guid=uuid.uuid4(),
            name=f"R{n}",
            stage=Stage.LIVE if n % 3 == 0 else Stage.IN_REVIEW,
            stage_since=now - datetime.timedelta(days=n % 40),
        )
        for n in range(count)
    ]
    Restaurant.objects.bulk_create(restaurants, batch_size=2000)
    changes = []
    for n, made in enumerate(restaurants):
        start = now - datetime.timedelta(days=n % 60 + 5)
        changes.append(StageChange(restaurant=made, to_stage=Stage.CONNECTED, at=start))
        if made.stage == Stage.LIVE:
            at = start + datetime.timedelta(days=5)
            changes.append(StageChange(restaurant=made, to_stage=Stage.LIVE, at=at))
    StageChange.objects.bulk_create(changes, batch_size=2000)
    milestones.refresh(Restaurant.objects.all())


def queries_for(client, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(40) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_page_shows_every_figure_as_a_chart_and_a_table(staff_client):
    many(30)
    page = staff_client.get("/onboarding/metrics/").content.decode()
    for key in ("stages", "funnel", "time-week", "time-month", "stuck", "weekly"):
        assert f'id="chart-{key}"' in page and f'href="?csv={key}"' in page
    assert page.count("<table") >= 7 and "Longest in their stage" in page
    assert "Median" in page and "90th percentile" in page


def test_each_figure_downloads_as_csv_with_a_byte_order_mark(staff_client):
    many(30)
    response = staff_client.get("/onboarding/metrics/?csv=funnel")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Step", "Restaurants that reached it", "Of those connected"]
    assert rows[1] == ["Connected", "30", "100%"] and rows[4] == ["Live", "10", "33%"]
    week = list(
        csv.reader(
            io.StringIO(
                staff_client.get("/onboarding/metrics/?csv=time-week")
                .content.decode()
                .lstrip("\ufeff")
            )
        )
    )
    assert ["5.0", "5.0"] in [row[2:] for row in week[1:] if row[1] != "0"]


def test_the_page_needs_a_staff_user(plain_client):
    assert Client().get("/onboarding/metrics/").status_code == 302  # to sign in
    assert plain_client.get("/onboarding/metrics/").status_code == 403


def test_queries_do_not_grow_with_the_restaurants(staff_client, django_assert_max_num_queries):
    many(10)
    few = queries_for(staff_client, django_assert_max_num_queries, "/onboarding/metrics/")
    many(10_000)
    assert queries_for(staff_client, django_assert_max_num_queries, "/onboarding/metrics/") == few
