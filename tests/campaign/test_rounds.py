"""Inspection rounds: marked item by item, closed into findings through the intake, scored.

The tree (tests/campaign/conftest.py): garbage weight 10, road occupation 5, ads 3, survey 2.
A round that fails garbage and ads, passes road and marks the survey not applicable scores
5 / (10 + 5 + 3) = 27.78; the survey leaves the denominator.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign import rounds, scoring
from campaign.models import InspectionRound, Mark, Score
from inspections.models import Finding, FindingEvent, FindingPhoto
from tests.factories import photo
from web.errors import Conflict, Forbidden, Invalid

Result = Mark.Result
POINT = {"lat": 36.655, "lng": 116.995}  # inside geo.cell


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def start(supervisor, campaign, geo, *, on=date(2026, 11, 20), follow_up=False, kind="supervision"):
    return rounds.start_round(
        actor=supervisor, campaign=campaign, community=geo.community, on=on, kind=kind, follow_up=follow_up
    )


def mark(round_, item, result, supervisor, **fields):
    found = round_.marks.get(item=item)
    return rounds.mark_item(actor=supervisor, mark=found, result=result, **fields)


def mark_all(round_, tree, supervisor, results: dict):
    for name, result in results.items():
        note = "问题" if result == Result.FAIL else ""
        point = POINT if result == Result.FAIL else {}
        mark(round_, tree[name], result, supervisor, note=note, **point)


FIRST = {"garbage": Result.FAIL, "road": Result.PASS, "ads": Result.FAIL, "survey": Result.NOT_APPLICABLE}


def test_a_round_has_one_mark_per_leaf_item(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    assert sorted(round_.marks.values_list("item__code", flat=True)) == ["01.01", "01.02", "02.01", "02.02"]
    assert not round_.marks.exclude(result="").exists()


def test_each_mark_is_saved_as_it_is_marked(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark(round_, tree["garbage"], Result.FAIL, supervisor, note="垃圾桶满溢", **POINT)
    saved = Mark.objects.get(round=round_, item=tree["garbage"])
    assert (saved.result, saved.note, saved.lat, saved.marked_by) == (Result.FAIL, "垃圾桶满溢", 36.655, supervisor)


def test_a_failed_mark_needs_a_note_or_a_photo(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    with pytest.raises(Invalid) as refused:
        mark(round_, tree["garbage"], Result.FAIL, supervisor)
    assert refused.value.field == "note"
    assert round_.marks.get(item=tree["garbage"]).result == ""


def test_a_mark_outside_the_grid_is_refused(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    with pytest.raises(Invalid) as refused:
        mark(round_, tree["garbage"], Result.FAIL, supervisor, note="x", lat=10.0, lng=10.0)
    assert refused.value.field == "lat"


def test_closing_turns_failed_items_into_findings_and_scores_without_the_not_applicable(
    supervisor, campaign, geo, tree, category
):
    round_ = start(supervisor, campaign, geo)
    mark_all(round_, tree, supervisor, FIRST)
    closed = rounds.close_round(actor=supervisor, round_=round_)

    assert closed.state == InspectionRound.State.CLOSED
    # 5 passed out of 10 + 5 + 3 applicable; the survey (2) is not applicable.
    assert closed.score == Decimal("27.78")
    garbage = Mark.objects.get(round=round_, item=tree["garbage"]).finding
    # The garbage item has a category: a finding through the intake, routed and dispatched.
    assert garbage.category == category
    assert garbage.source == Finding.Source.SUPERVISION
    assert garbage.grid_cell == geo.cell and garbage.status == Finding.Status.DISPATCHED
    assert garbage.deadline_at == garbage.reported_at + timedelta(hours=24)
    assert garbage.events.filter(kind=FindingEvent.Kind.REPORTED).exists()
    # The ads item has no category linked: it counts in the score but is no finding.
    assert Mark.objects.get(round=round_, item=tree["ads"]).finding is None
    assert Finding.objects.count() == 1


def test_the_kind_of_round_gives_the_source(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo, kind=InspectionRound.Kind.UNDERCOVER)
    mark_all(round_, tree, supervisor, FIRST)
    rounds.close_round(actor=supervisor, round_=round_)
    assert Finding.objects.get().source == Finding.Source.UNDERCOVER


def test_a_failed_item_without_a_point_is_dispatched_to_the_rounds_community(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark(round_, tree["garbage"], Result.FAIL, supervisor, note="门口垃圾")
    for name in ("road", "ads", "survey"):
        mark(round_, tree[name], Result.PASS, supervisor)
    rounds.close_round(actor=supervisor, round_=round_)
    finding = Finding.objects.get()
    assert finding.lat is None
    assert (finding.community, finding.status) == (geo.community, Finding.Status.DISPATCHED)


def test_the_photos_of_a_failed_item_go_with_its_finding(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark(round_, tree["garbage"], Result.FAIL, supervisor, photos=[photo()], **POINT)
    for name in ("road", "ads", "survey"):
        mark(round_, tree[name], Result.PASS, supervisor)
    rounds.close_round(actor=supervisor, round_=round_)
    assert Finding.objects.get().photos.filter(stage=FindingPhoto.Stage.BEFORE).count() == 1


def test_a_round_with_unmarked_items_does_not_close(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark(round_, tree["garbage"], Result.FAIL, supervisor, note="x", **POINT)
    with pytest.raises(Invalid):
        rounds.close_round(actor=supervisor, round_=round_)
    round_.refresh_from_db()
    assert round_.state == InspectionRound.State.OPEN
    assert not Finding.objects.exists()


def test_a_closed_round_cannot_be_marked_or_closed_again(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark_all(round_, tree, supervisor, FIRST)
    rounds.close_round(actor=supervisor, round_=round_)
    with pytest.raises(Conflict):
        mark(round_, tree["road"], Result.FAIL, supervisor, note="x")
    with pytest.raises(Conflict):
        rounds.close_round(actor=supervisor, round_=round_)
    assert Finding.objects.count() == 1


def test_only_the_supervision_team_starts_rounds(street_staff, leader, campaign, geo, tree):
    for person in (street_staff, leader):
        with pytest.raises(Forbidden):
            start(person, campaign, geo)


def test_scores_keep_their_history_and_the_street_averages_its_communities(supervisor, campaign, geo, tree):
    first = start(supervisor, campaign, geo, on=date(2026, 11, 1))
    mark_all(first, tree, supervisor, FIRST)
    rounds.close_round(actor=supervisor, round_=first)
    second = rounds.start_round(
        actor=supervisor, campaign=campaign, community=geo.sibling_community, on=date(2026, 11, 5), kind="mock"
    )
    mark_all(
        second,
        tree,
        supervisor,
        {"garbage": Result.PASS, "road": Result.PASS, "ads": Result.PASS, "survey": Result.PASS},
    )
    rounds.close_round(actor=supervisor, round_=second)

    history = list(Score.objects.filter(street=geo.street, community__isnull=True).values_list("on", "value"))
    # First only 乐山小区 (27.78), then the mean of 27.78 and 100.
    assert history == [(date(2026, 11, 1), Decimal("27.78")), (date(2026, 11, 5), Decimal("63.89"))]
    assert scoring.latest_community_scores(campaign.pk) == {
        geo.community.pk: Decimal("27.78"),
        geo.sibling_community.pk: Decimal("100.00"),
    }


def test_a_follow_up_compares_fixed_still_failing_and_newly_failing(supervisor, campaign, geo, tree):
    first = start(supervisor, campaign, geo, on=date(2026, 11, 1))
    mark_all(first, tree, supervisor, FIRST)
    rounds.close_round(actor=supervisor, round_=first)

    follow = start(supervisor, campaign, geo, on=date(2026, 11, 20), follow_up=True)
    assert follow.follow_up_of == first
    # What failed last time is carried over, and listed first.
    assert set(follow.marks.filter(carried_over=True).values_list("item__code", flat=True)) == {"01.01", "01.02"}
    assert [m.carried_over for m in follow.marks.all()][:2] == [True, True]
    mark_all(
        follow,
        tree,
        supervisor,
        {"garbage": Result.PASS, "ads": Result.FAIL, "road": Result.FAIL, "survey": Result.PASS},
    )
    rounds.close_round(actor=supervisor, round_=follow)

    compared = rounds.comparison(follow)
    codes = {
        name: [now.item.code for _before, now in getattr(compared, name)]
        for name in ("fixed", "still_failing", "newly_failing")
    }
    assert codes == {"fixed": ["01.01"], "still_failing": ["01.02"], "newly_failing": ["02.01"]}


def test_a_follow_up_needs_a_closed_round_before_it(supervisor, campaign, geo, tree):
    with pytest.raises(Invalid):
        start(supervisor, campaign, geo, follow_up=True)


# --- pages ---------------------------------------------------------------------------------


def test_a_supervisor_starts_marks_and_closes_a_round_through_the_pages(client, supervisor, campaign, geo, tree):
    client.force_login(supervisor)
    response = client.post(
        reverse("campaign:round_new"), {"community": geo.community.code, "kind": "supervision", "on": "2026-11-20"}
    )
    round_ = InspectionRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaign:round", args=[round_.pk])
    for m in round_.marks.all():
        result = "fail" if m.item == tree["garbage"] else "pass"
        url = reverse("campaign:mark", args=[round_.pk, m.pk])
        answer = client.post(
            url, {"result": result, "note": "垃圾桶满溢", **POINT}, headers={"x-requested-with": "fetch"}
        )
        assert answer.status_code == 200 and answer.json()["saved"] is True
    response = client.post(reverse("campaign:round_close", args=[round_.pk]))
    assert response.status_code == 302
    page = client.get(reverse("campaign:round", args=[round_.pk]))
    finding = Finding.objects.get()
    assert finding.code in page.content.decode()


def test_a_bad_mark_is_a_400_with_the_field_and_changes_nothing(client, supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    first = round_.marks.first()
    client.force_login(supervisor)
    url = reverse("campaign:mark", args=[round_.pk, first.pk])
    answer = client.post(url, {"result": "maybe", "lat": "north"}, headers={"x-requested-with": "fetch"})
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) >= {"result", "lat"}
    first.refresh_from_db()
    assert first.result == ""


def test_street_staff_get_403_on_marking(client, street_staff, supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    client.force_login(street_staff)
    url = reverse("campaign:mark", args=[round_.pk, round_.marks.first().pk])
    assert client.post(url, {"result": "pass"}).status_code == 403
    assert client.get(reverse("campaign:round_new")).status_code == 403


def test_a_round_outside_a_leaders_scope_is_404(client, supervisor, campaign, geo, tree):
    from accounts.models import Role
    from tests.factories import person

    round_ = start(supervisor, campaign, geo)
    other_leader = person(Role.STREET_LEADER, geo.other_street, username="other_leader")
    client.force_login(other_leader)
    assert client.get(reverse("campaign:round", args=[round_.pk])).status_code == 404
    assert client.post(reverse("campaign:round_close", args=[round_.pk])).status_code == 404


def test_a_leader_reads_a_round_but_cannot_mark_it(client, supervisor, leader, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    client.force_login(leader)
    response = client.get(reverse("campaign:round", args=[round_.pk]))
    assert response.status_code == 200 and not response.context["can_mark"]
    url = reverse("campaign:mark", args=[round_.pk, round_.marks.first().pk])
    assert client.post(url, {"result": "pass"}).status_code == 403


def test_closed_round_time_is_recorded(supervisor, campaign, geo, tree):
    round_ = start(supervisor, campaign, geo)
    mark_all(round_, tree, supervisor, FIRST)
    at = timezone.now() - timedelta(days=3)
    closed = rounds.close_round(actor=supervisor, round_=round_, now=at)
    assert closed.closed_at == at
    assert Finding.objects.get().reported_at == at
