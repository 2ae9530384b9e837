"""The board: columns and cards, filters, "more" on demand, and moves checked on the server."""

import datetime
import json

import pytest
from django.utils import timezone

from portal.onboarding.board import CARDS_PER_COLUMN
from restaurants.models import Restaurant, Stage, StageChange, TimelineEntry
from restaurants.onboarding import TOTAL
from tests.portal.onboarding.rows import in_review, many, ready, viewer

pytestmark = pytest.mark.django_db


def _column(response, stage):
    return next(c for c in response.context["columns"] if c.stage == stage)


def test_the_board_has_a_column_per_stage_with_its_cards(staff_client, staff_user):
    ready("Ready Diner", owner=staff_user, next_step="Call the manager")
    in_review("Review Bistro")
    response = staff_client.get("/onboarding/")
    assert response.status_code == 200
    assert [c.stage for c in response.context["columns"]] == list(Stage.values)
    assert [c.name for c in _column(response, Stage.DATA_RECEIVED).cards] == ["Ready Diner"]
    assert _column(response, Stage.IN_REVIEW).count == 1
    html = response.content.decode()
    assert (
        "Ready Diner" in html
        and "Call the manager" in html
        and f"Checklist {TOTAL}/{TOTAL}" in html
    )
    assert "0 d in stage" in html and "olivia" in html
    assert html.count('class="move-form"') == 2


def test_a_card_shows_an_overdue_next_step_in_words(staff_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ready("Late Cafe", next_step="Send the menu", next_step_due=yesterday)
    ready("Early Cafe", next_step="Later", next_step_due=timezone.localdate())
    html = staff_client.get("/onboarding/").content.decode()
    assert html.count("⚠ Overdue") == 1
    late = html.index("Late Cafe")
    assert late < html.index("⚠ Overdue") < html.index("Early Cafe")  # overdue first


def test_the_board_escapes_the_platforms_strings(staff_client):
    ready("<script>alert(1)</script>", next_step="<img src=x onerror=alert(1)>")
    html = staff_client.get("/onboarding/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filters_by_owner_and_group(staff_client, staff_user):
    mine = ready("Mine", owner=staff_user)
    ready("Nobodys")
    Restaurant.objects.filter(pk=mine.pk).update(
        management_group_guid="11111111-1111-1111-1111-111111111111"
    )

    def names(query):
        response = staff_client.get(f"/onboarding/?{query}")
        assert response.status_code == 200
        return sorted(card.name for column in response.context["columns"] for card in column.cards)

    assert names("owner=me") == ["Mine"]
    assert names("owner=none") == ["Nobodys"]
    assert names(f"owner={staff_user.pk}") == ["Mine"]
    assert names("group=11111111-1111-1111-1111-111111111111") == ["Mine"]
    assert names("owner=99999999999999999999&group=nonsense") == ["Mine", "Nobodys"]


def test_a_column_shows_its_first_cards_and_the_rest_on_demand(staff_client):
    many(7 * 60)  # 60 per stage
    first, rest = CARDS_PER_COLUMN, 60 - CARDS_PER_COLUMN
    response = staff_client.get("/onboarding/")
    column = _column(response, Stage.LIVE)
    assert (column.count, len(column.cards), column.left) == (60, first, rest)
    assert f"Show more ({rest} left)" in response.content.decode()

    more = staff_client.get(f"/onboarding/column/live/?offset={first}&fragment=1")
    assert more.status_code == 200
    assert len(more.context["cards"]) == rest and more.context["following"] is None
    assert "<html" not in more.content.decode()
    page = staff_client.get(f"/onboarding/column/live/?offset={first}")
    assert "<html" in page.content.decode()
    assert f"showing {first + 1}–60" in page.content.decode()
    first = {c.pk for c in column.cards}
    assert first.isdisjoint(c.pk for c in more.context["cards"])
    for bad in ("offset=-5", "offset=abc", "offset=99999999999999999999999"):
        assert staff_client.get(f"/onboarding/column/live/?{bad}").status_code == 200
    assert staff_client.get("/onboarding/column/nonsense/").status_code == 404


def _move(client, restaurant, to, json_answer=True, **fields):
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post(
        "/onboarding/move/", {"guid": str(restaurant.pk), "to": to, **fields}, headers=headers
    )


def test_a_move_the_rules_allow_is_made_and_recorded(staff_client, staff_user):
    restaurant = ready("Ready Diner")
    response = _move(staff_client, restaurant, Stage.LIVE)
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "ok": True,
        "stage": "live",
        "message": "Ready Diner – Harvard Square: Data received → Live.",
    }
    restaurant.refresh_from_db()
    assert restaurant.stage == Stage.LIVE
    change = StageChange.objects.filter(restaurant=restaurant, to_stage=Stage.LIVE).get()
    assert change.by == staff_user and change.from_stage == Stage.DATA_RECEIVED
    entry = TimelineEntry.objects.filter(restaurant=restaurant, kind="stage", actor=staff_user)
    assert entry.get().before == {"stage": "data_received"}


@pytest.mark.parametrize(
    "to, fields, says",
    [
        (Stage.LIVE, {}, "The checklist is incomplete: going live needs an override."),
        (Stage.LIVE, {"override": "yes"}, "Say why the restaurant goes live"),
        (Stage.BLOCKED, {}, "Say why the restaurant is blocked."),
        (Stage.REMOVED, {}, "Removed follows the platform's facts"),
        (Stage.IN_REVIEW, {}, "The restaurant is already In review."),
        ("nonsense", {}, "Choose a stage"),
    ],
)
def test_a_move_the_rules_refuse_says_why_and_changes_nothing(staff_client, to, fields, says):
    restaurant = in_review("Review Bistro")
    response = _move(staff_client, restaurant, to, **fields)
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["ok"] is False and says in answer["error"]
    restaurant.refresh_from_db()
    assert restaurant.stage == Stage.IN_REVIEW
    assert not TimelineEntry.objects.filter(
        restaurant=restaurant, kind="stage", actor__isnull=False
    )


def test_a_move_with_an_override_and_a_reason_goes_live(staff_client):
    restaurant = in_review("Review Bistro")
    response = _move(
        staff_client, restaurant, Stage.LIVE, override="yes", reason="Menu comes later"
    )
    assert response.status_code == 200
    restaurant.refresh_from_db()
    assert restaurant.stage == Stage.LIVE
    assert restaurant.stage_reason == "Override (checklist incomplete): Menu comes later"


def test_without_javascript_a_move_redirects_back_with_the_answer(staff_client):
    restaurant = in_review("Review Bistro")
    response = _move(
        staff_client, restaurant, Stage.LIVE, json_answer=False, next="/onboarding/?owner=none"
    )
    assert response.status_code == 302 and response.url == "/onboarding/?owner=none"
    page = staff_client.get(response.url)
    assert "was not moved: The checklist is incomplete" in page.content.decode()
    response = _move(staff_client, restaurant, Stage.BLOCKED, json_answer=False, reason="No menu")
    assert response.url == "/onboarding/"
    restaurant.refresh_from_db()
    assert restaurant.stage == Stage.BLOCKED and restaurant.stage_reason == "No menu"
    evil = _move(
        staff_client, restaurant, Stage.IN_REVIEW, json_answer=False, next="https://x.test/"
    )
    assert evil.url == "/onboarding/"


def test_bad_move_requests_are_answered_without_an_error(staff_client):
    assert staff_client.post("/onboarding/move/", {"to": "live"}).status_code == 404
    assert staff_client.post("/onboarding/move/", {"guid": "nope"}).status_code == 404
    unknown = {"guid": "22222222-2222-2222-2222-222222222222", "to": "live"}
    assert staff_client.post("/onboarding/move/", unknown).status_code == 404
    assert staff_client.get("/onboarding/move/").status_code == 405


def test_a_viewer_sees_the_board_but_cannot_move(client):
    restaurant = ready("Ready Diner")
    client.force_login(viewer())
    response = client.get("/onboarding/")
    assert response.status_code == 200 and "Ready Diner" in response.content.decode()
    assert 'class="move-form"' not in response.content.decode()
    assert 'draggable="true"' not in response.content.decode()
    assert _move(client, restaurant, Stage.LIVE).status_code == 403
    restaurant.refresh_from_db()
    assert restaurant.stage == Stage.DATA_RECEIVED


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/onboarding/").url.startswith("/accounts/login/")
    assert client.post("/onboarding/move/", {}).url.startswith("/accounts/login/")
