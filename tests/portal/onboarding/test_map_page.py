"""The all-restaurants map: its markers' JSON, the stage filter, a fixed number of queries."""

import uuid

import pytest

from restaurants.models import Restaurant, Stage

pytestmark = pytest.mark.django_db


def placed(count, stage=Stage.IN_REVIEW, **fields):
    Restaurant.objects.bulk_create(
        [
            Restaurant(
                guid=uuid.uuid4(),
                stage=stage,
                latitude=41.0 + n / 100_000,
                longitude=-87.0 - n / 100_000,
                **fields,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def test_every_placed_restaurant_is_a_marker_with_its_stage(staff_client):
    placed(3, name="<img src=x onerror=alert(1)>", location_name="Loop")
    placed(2, stage=Stage.LIVE, name="Live one")
    Restaurant.objects.create(guid=uuid.uuid4(), name="No location yet")
    data = staff_client.get("/map/markers.json").json()
    assert len(data["restaurants"]) == 5
    assert data["stages"]["live"] == ["Live", "#2e9d57"]
    row = next(row for row in data["restaurants"] if row[2] == "in_review")
    # The name is data for the script, which sets it as text: kept as sent.
    assert row[4:] == ["<img src=x onerror=alert(1)>", "Loop"]
    # The GUID as text (its hex digits on SQLite, dashed on PostgreSQL).
    assert uuid.UUID(row[3]) in set(Restaurant.objects.values_list("pk", flat=True))
    page = staff_client.get("/map/").content.decode()
    assert "5 restaurants on the map; 1 without a location" in page
    assert "<img src=x" not in page


def test_the_stage_filter_narrows_the_markers_and_ignores_unknown_stages(staff_client):
    placed(3)
    placed(2, stage=Stage.LIVE)
    live = staff_client.get("/map/markers.json?stage=live").json()["restaurants"]
    assert {row[2] for row in live} == {"live"} and len(live) == 2
    assert len(staff_client.get("/map/markers.json?stage=junk").json()["restaurants"]) == 5
    page = staff_client.get("/map/?stage=live").content.decode()
    assert "/map/frame/?stage=live" in page and "2 restaurants on the map" in page
    frame = staff_client.get("/map/frame/?stage=live")
    assert frame.status_code == 200 and "/map/markers.json?stage=live" in frame.content.decode()
    assert "SAMEORIGIN" in frame["X-Frame-Options"]


def test_the_map_loads_only_the_portals_own_files(staff_client):
    html = staff_client.get("/map/frame/").content.decode()
    assert "leaflet.markercluster/leaflet.markercluster.js" in html
    assert "js/restaurants-map.js" in html
    assert "cdnjs" not in html and "unpkg" not in html and "cdn.jsdelivr" not in html


def test_the_map_needs_a_staff_user(plain_client):
    for path in ("/map/", "/map/frame/", "/map/markers.json"):
        assert plain_client.get(path).status_code == 403


def test_queries_do_not_grow_with_the_restaurants(staff_client, django_assert_max_num_queries):
    def count():
        total = 0
        for path in ("/map/", "/map/markers.json"):
            with django_assert_max_num_queries(20) as captured:
                assert staff_client.get(path).status_code == 200
            total += len(captured)
        return total

    placed(10)
    few = count()
    placed(10_000)
    assert count() == few
    assert len(staff_client.get("/map/markers.json").json()["restaurants"]) == 10_010
