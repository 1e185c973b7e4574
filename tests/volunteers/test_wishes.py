"""Micro-wishes: 居民点单 → 社区下单 → 单位/党员接单 → fulfilled with a photo → rated.

The resident's phone stays in the community.
"""

import pytest

from accounts.models import Role
from notifications.models import Notification
from tests.factories import person, photo
from volunteers import wishes
from volunteers.models import Wish, WishEvent
from web.errors import Conflict, Forbidden, Invalid

Status = Wish.Status


@pytest.fixture
def wish(serving):
    worker = person(Role.COMMUNITY_WORKER, serving.sibling_community, username="qimingli_worker")
    return wishes.record_wish(
        actor=worker,
        community=serving.sibling_community,
        title="休闲座椅",
        description="老年居民希望小区内安装休闲座椅",
        resident_name="王桂芝",
        resident_phone="13905319999",
    )


@pytest.fixture
def qimingli_worker(wish):
    return wish.recorded_by


def test_the_whole_way_from_a_residents_wish_to_the_rating(wish, qimingli_worker, jgsw_staff, serving):
    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    assert Notification.objects.filter(recipient=jgsw_staff, subject__contains="休闲座椅").exists()
    wishes.claim_wish(actor=jgsw_staff, wish=wish, unit=serving.other_unit)
    assert Notification.objects.filter(recipient=qimingli_worker, subject__contains="区机关事务服务中心").exists()
    wishes.fulfil_wish(actor=jgsw_staff, wish=wish, note="已安装座椅6把", files=[photo()])
    wishes.rate_wish(actor=qimingli_worker, wish=wish, satisfaction=Wish.Satisfaction.VERY_SATISFIED, feedback="谢谢")
    wish.refresh_from_db()
    assert wish.status == Status.CLOSED and wish.claimed_unit == serving.other_unit
    assert wish.photos.count() == 1
    assert list(WishEvent.objects.filter(wish=wish).values_list("kind", flat=True)) == [
        "recorded",
        "published",
        "claimed",
        "fulfilled",
        "rated",
    ]


def test_fulfilling_needs_a_photo(wish, qimingli_worker, jgsw_staff, serving):
    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    wishes.claim_wish(actor=jgsw_staff, wish=wish, unit=serving.other_unit)
    with pytest.raises(Invalid):
        wishes.fulfil_wish(actor=jgsw_staff, wish=wish, note="done", files=[])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(Invalid):
        wishes.fulfil_wish(actor=jgsw_staff, wish=wish, note="", files=[SimpleUploadedFile("x.jpg", b"not an image")])
    wish.refresh_from_db()
    assert wish.status == Status.CLAIMED and not wish.photos.exists()


def test_a_unit_not_registered_with_the_community_cannot_claim(wish, qimingli_worker, unit_staff, serving):
    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    with pytest.raises(Forbidden):
        wishes.claim_wish(actor=unit_staff, wish=wish, unit=serving.unit)


def test_the_second_claim_is_told_it_came_too_late(wish, qimingli_worker, jgsw_staff, serving):
    from tests.factories import VolunteerFactory, registered

    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    wishes.claim_wish(actor=jgsw_staff, wish=wish, unit=serving.other_unit)
    member = VolunteerFactory(user=person(Role.VOLUNTEER, None))
    registered(member, serving.sibling_community)
    with pytest.raises(Conflict):
        wishes.claim_wish(actor=member.user, wish=wish)


def test_a_party_member_serving_there_claims_for_themself(wish, qimingli_worker, serving):
    from tests.factories import VolunteerFactory, registered

    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    member = VolunteerFactory(user=person(Role.VOLUNTEER, None), is_party_member=True)
    registered(member, serving.sibling_community)
    assert wishes.claim_wish(actor=member.user, wish=wish).claimed_volunteer == member


def test_a_recorded_wish_cannot_be_claimed_before_it_is_published(wish, jgsw_staff, serving):
    with pytest.raises(Conflict):
        wishes.claim_wish(actor=jgsw_staff, wish=wish, unit=serving.other_unit)


def test_only_the_communitys_workers_rate(wish, qimingli_worker, jgsw_staff, community_worker, serving):
    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    wishes.claim_wish(actor=jgsw_staff, wish=wish, unit=serving.other_unit)
    wishes.fulfil_wish(actor=jgsw_staff, wish=wish, note="", files=[photo()])
    for actor in (jgsw_staff, community_worker):
        with pytest.raises(Forbidden):
            wishes.rate_wish(actor=actor, wish=wish, satisfaction="satisfied")


def test_the_residents_phone_is_for_the_communitys_workers_alone(
    wish, qimingli_worker, jgsw_staff, street_staff, leader
):
    assert wishes.can_see_resident(qimingli_worker, wish)
    for user in (jgsw_staff, street_staff, leader):
        assert not wishes.can_see_resident(user, wish)


def test_a_unit_sees_published_wishes_of_its_communities_only(wish, qimingli_worker, jgsw_staff, unit_staff):
    assert not Wish.objects.visible_to(jgsw_staff).exists()
    wishes.publish_wish(actor=qimingli_worker, wish=wish)
    assert list(Wish.objects.visible_to(jgsw_staff)) == [wish]
    assert not Wish.objects.visible_to(unit_staff).exists()
