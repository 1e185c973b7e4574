"""The demo campaign (``seed_demo``, ``seed_demo --rounds``)."""

from io import StringIO

from django.core.management import call_command

from campaign.models import ActionLine, AssessmentItem, Campaign, CategoryLink, InspectionRound, Mark, Score
from districts.demo import SEED_COMMUNITIES
from inspections import deadlines, rollup
from inspections.demo import CATEGORIES


def seed(*args):
    call_command("seed_demo", "--password", "demo-pass-1234", *args, stdout=StringIO(), stderr=StringIO())


def test_the_demo_has_the_campaign_its_ten_action_lines_and_an_item_tree_linked_to_every_category(db):
    seed()
    campaign = Campaign.objects.get(is_active=True)
    assert list(ActionLine.objects.filter(campaign=campaign).values_list("name", flat=True))[:3] == [
        "居民文明素质提升",
        "城市环境面貌提升",
        "社区文明秩序提升",
    ]
    assert ActionLine.objects.filter(campaign=campaign).count() == 10
    assert AssessmentItem.objects.filter(campaign=campaign, parent__isnull=True).count() >= 4
    assert CategoryLink.objects.filter(campaign=campaign).count() == len(CATEGORIES)
    assert not InspectionRound.objects.exists()  # rounds only when asked for


def test_rounds_give_two_per_seed_community_the_second_a_follow_up_once(db):
    seed("--rounds")
    seed("--rounds")  # idempotent
    rounds = InspectionRound.objects.order_by("on")
    assert rounds.count() == 2 * len(SEED_COMMUNITIES)
    follow_ups = [r for r in rounds if r.follow_up_of_id]
    assert len(follow_ups) == len(SEED_COMMUNITIES)
    assert all(r.state == InspectionRound.State.CLOSED and r.score is not None for r in rounds)
    # Failed items became findings; the sweep already took them up the ladder; the roll-up holds them.
    assert Mark.objects.filter(finding__isnull=False).count() > 0
    assert Score.objects.filter(community__isnull=True).exists()
    result = deadlines.sweep()
    assert (result.overdue, result.escalated) == ([], [])
    assert rollup.stored() == rollup.compute()


def test_what_the_first_rounds_found_was_put_right_in_time(db):
    from inspections.models import Finding, FindingPhoto

    seed("--rounds")
    first_round = Finding.objects.filter(
        pk__in=Mark.objects.filter(round__follow_up_of__isnull=True, finding__isnull=False).values("finding")
    )
    assert first_round.exists()
    closed = first_round.filter(status=Finding.Status.CLOSED)
    # Nearly all closed on their round's day, before the deadline, each with its "after" photo.
    assert closed.count() >= 0.8 * first_round.count()
    assert all(f.closed_at <= f.deadline_at and not f.went_overdue() for f in closed)
    assert FindingPhoto.objects.filter(finding__in=closed, stage="after").count() == closed.count()
    assert [e.kind for e in closed.first().events.order_by("at", "id")][-3:] == [
        "acknowledged",
        "submitted",
        "verified",
    ]
