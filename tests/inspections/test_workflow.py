"""The rectification loop through inspections.workflow, by the right roles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import intake, workflow
from inspections.intake import Report
from inspections.models import Finding, FindingEvent, FindingPhoto
from tests.factories import FindingFactory, photo
from web.errors import Conflict, Forbidden, Invalid

Status = Finding.Status
INSIDE = {"lat": 36.655, "lng": 116.995}  # in geo.cell (乐山小区第一网格)


def report(actor, category, photos=(), **overrides):
    fields = {
        "source": Finding.Source.GRID_PATROL,
        "category": category,
        "description": "楼道堆放杂物",
        "address": "乐山小区3号楼",
        **INSIDE,
        **overrides,
    }
    return intake.report_finding(actor=actor, report=Report(**fields), photos=photos)


def kinds(finding):
    return list(finding.events.values_list("kind", flat=True))


def test_routed_report_is_dispatched_to_the_community_at_once(geo, grid_worker, category):
    finding = report(grid_worker, category)
    assert finding.status == Status.DISPATCHED
    assert (finding.grid_cell, finding.community, finding.street, finding.district) == (
        geo.cell,
        geo.community,
        geo.street,
        geo.district,
    )
    assert finding.deadline_at == finding.reported_at + timedelta(hours=24)
    assert finding.code.startswith("370103-") and finding.code.endswith("-0001")
    assert kinds(finding) == ["reported", "dispatched"]
    dispatched = finding.events.get(kind="dispatched")
    assert dispatched.actor is None and dispatched.from_status == "reported" and dispatched.to_status == "dispatched"


def test_codes_count_up_per_district_and_day(geo, grid_worker, category):
    first, second = report(grid_worker, category), report(grid_worker, category)
    assert first.code[:-4] == second.code[:-4]
    assert int(second.code[-4:]) == int(first.code[-4:]) + 1


def test_unit_category_goes_to_its_unit(geo, supervisor, unit_category):
    finding = report(supervisor, unit_category)
    assert finding.status == Status.DISPATCHED
    assert finding.responsible_unit == geo.unit
    assert finding.community == geo.community  # still placed, for scoping and statistics


def test_address_only_report_waits_for_a_dispatcher(geo, supervisor, category):
    finding = report(supervisor, category, lat=None, lng=None)
    assert finding.status == Status.REPORTED
    assert finding.district == geo.district and finding.community is None
    assert kinds(finding) == ["reported"]


def test_point_outside_the_grid_is_refused_and_nothing_is_stored(geo, supervisor, category):
    with pytest.raises(Invalid) as caught:
        report(supervisor, category, lat=30.0, lng=120.0)
    assert caught.value.field == "lat"
    assert not Finding.objects.exists()


def test_grid_worker_cannot_report_outside_their_cells(geo, grid_worker, category):
    with pytest.raises(Forbidden):
        report(grid_worker, category, lat=36.665, lng=116.985)  # geo.other_cell
    assert not Finding.objects.exists()


def test_empty_description_is_refused(geo, supervisor, category):
    with pytest.raises(Invalid) as caught:
        report(supervisor, category, description="  ")
    assert caught.value.field == "description"


def test_whole_loop_by_the_right_roles(geo, grid_worker, community_worker, street_staff, category):
    finding = report(grid_worker, category, photos=[photo("before.jpg")])
    finding = workflow.acknowledge_finding(actor=community_worker, finding=finding)
    assert finding.status == Status.RECTIFYING
    assert finding.responsible_person == community_worker and finding.acknowledged_at
    finding = workflow.submit_rectification(
        actor=community_worker, finding=finding, note="已清理", photos=[photo("after.jpg")]
    )
    assert finding.status == Status.SUBMITTED
    finding = workflow.verify_finding(actor=street_staff, finding=finding)
    assert finding.status == Status.CLOSED and finding.closed_at
    assert kinds(finding) == ["reported", "dispatched", "acknowledged", "submitted", "verified"]
    assert list(finding.photos.values_list("stage", flat=True)) == ["before", "after"]


def test_submit_without_an_after_photo_is_refused(geo, community_worker, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.RECTIFYING)
    with pytest.raises(Invalid) as caught:
        workflow.submit_rectification(actor=community_worker, finding=finding)
    assert caught.value.field == "photos"
    finding.refresh_from_db()
    assert finding.status == Status.RECTIFYING and not finding.events.exists()


def test_return_counts_rework_and_keeps_the_deadline(geo, community_worker, street_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.RECTIFYING)
    deadline = finding.deadline_at
    finding = workflow.submit_rectification(actor=community_worker, finding=finding, photos=[photo()])
    finding = workflow.return_finding(actor=street_staff, finding=finding, reason="仍有垃圾")
    assert finding.status == Status.RECTIFYING
    assert finding.return_count == 1
    assert finding.deadline_at == deadline
    assert finding.events.get(kind="returned").note == "仍有垃圾"


def test_return_needs_a_reason(geo, street_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.SUBMITTED)
    with pytest.raises(Invalid):
        workflow.return_finding(actor=street_staff, finding=finding, reason="")


def test_decline_sends_it_back_to_the_street(geo, community_worker, street_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    finding = workflow.decline_finding(actor=community_worker, finding=finding, reason="不属于本社区")
    assert finding.status == Status.REPORTED
    finding = workflow.dispatch_finding(actor=street_staff, finding=finding, community=geo.sibling_community)
    assert finding.status == Status.DISPATCHED
    assert finding.community == geo.sibling_community and finding.grid_cell is None


def test_reassign_to_a_unit(geo, street_staff, unit_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    finding = workflow.reassign_finding(actor=street_staff, finding=finding, unit=geo.unit, reason="城管职责")
    assert finding.responsible_unit == geo.unit
    workflow.acknowledge_finding(actor=unit_staff, finding=finding)


def test_dispatcher_cannot_send_to_a_community_of_another_street(geo, street_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.REPORTED)
    with pytest.raises(Invalid):
        workflow.dispatch_finding(actor=street_staff, finding=finding, community=geo.other_community)


def test_mark_invalid_and_duplicate(geo, street_staff, category):
    original = FindingFactory(grid_cell=geo.cell, category=category)
    copy = FindingFactory(grid_cell=geo.cell, category=category)
    workflow.mark_duplicate(actor=street_staff, finding=copy, original=original)
    copy.refresh_from_db()
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original
    workflow.mark_invalid(actor=street_staff, finding=original, reason="已不存在")
    original.refresh_from_db()
    assert original.status == Status.INVALID


def test_a_finding_cannot_duplicate_itself(geo, street_staff, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    with pytest.raises(Invalid):
        workflow.mark_duplicate(actor=street_staff, finding=finding, original=finding)


@pytest.mark.parametrize(
    ("action", "persona"),
    [
        ("acknowledge", "street_staff"),
        ("acknowledge", "other_community_worker"),
        ("acknowledge", "leader"),
        ("acknowledge", "inspector"),
        ("acknowledge", "unit_staff"),
    ],
)
def test_wrong_role_cannot_acknowledge(request, geo, category, action, persona):
    user = request.getfixturevalue(persona)
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    with pytest.raises(Forbidden):
        workflow.acknowledge_finding(actor=user, finding=finding)
    finding.refresh_from_db()
    assert finding.status == Status.DISPATCHED


@pytest.mark.parametrize("persona", ["community_worker", "other_street_staff", "leader", "inspector"])
def test_wrong_role_cannot_verify(request, geo, category, persona):
    user = request.getfixturevalue(persona)
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.SUBMITTED)
    with pytest.raises(Forbidden):
        workflow.verify_finding(actor=user, finding=finding)


def test_acting_on_a_stale_status_is_a_conflict(geo, community_worker, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    stale = Finding.objects.get(pk=finding.pk)
    workflow.acknowledge_finding(actor=community_worker, finding=finding)
    with pytest.raises(Conflict):
        workflow.acknowledge_finding(actor=community_worker, finding=stale)
    assert FindingEvent.objects.filter(finding=finding, kind="acknowledged").count() == 1


def test_events_are_append_only(geo, grid_worker, category):
    finding = report(grid_worker, category)
    event = finding.events.first()
    event.note = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        finding.events.update(note="x")
    with pytest.raises(TypeError):
        finding.events.all().delete()


def test_photo_gps_locates_a_finding_without_coordinates(geo, supervisor, category):
    finding = report(supervisor, category, lat=None, lng=None, photos=[photo(gps=(36.655, 116.995))])
    assert finding.lat == pytest.approx(36.655, abs=1e-5)
    assert finding.grid_cell == geo.cell
    assert finding.status == Status.DISPATCHED
    assert "located" in kinds(finding)


def test_later_photo_with_gps_locates_an_unlocated_finding(geo, supervisor, category):
    finding = report(supervisor, category, lat=None, lng=None)
    workflow.add_photo(actor=supervisor, finding=finding, stage="before", upload=photo(gps=(36.655, 116.995)))
    finding.refresh_from_db()
    assert finding.grid_cell == geo.cell and finding.community == geo.community


def test_after_photo_only_while_rectifying(geo, community_worker, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    with pytest.raises(Conflict):
        workflow.add_photo(actor=community_worker, finding=finding, stage="after", upload=photo())
    assert not FindingPhoto.objects.exists()


def test_hotline_report_has_no_actor_and_keeps_its_ticket(geo, category):
    finding = intake.report_finding(
        actor=None,
        report=Report(
            source=Finding.Source.HOTLINE,
            category=category,
            description="路边有垃圾",
            external_ref="T2026-1",
            reported_at=timezone.now() - timedelta(hours=1),
            **INSIDE,
        ),
    )
    assert finding.external_ref == "T2026-1" and finding.reporter is None
    assert finding.deadline_at == finding.reported_at + timedelta(hours=24)


def test_address_only_report_by_street_staff_waits_in_their_street(geo, street_staff, category):
    finding = report(street_staff, category, lat=None, lng=None)
    assert finding.status == Status.REPORTED
    assert finding.street == geo.street and finding.community is None
    assert Finding.objects.visible_to(street_staff).filter(pk=finding.pk).exists()


def test_address_only_report_by_a_community_worker_goes_to_their_community(geo, community_worker, category):
    finding = report(community_worker, category, lat=None, lng=None, source=Finding.Source.SELF_INSPECTION)
    assert finding.status == Status.DISPATCHED
    assert finding.community == geo.community and finding.street == geo.street
