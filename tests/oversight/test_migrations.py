"""Accountability moved from ``inspections`` to ``oversight``: a database of the old layout keeps every row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

OLD = [("inspections", "0003_finding_overdue_at"), ("accounts", "0003_membership_unique_per_scope")]
NEW = [("inspections", "0004_accountability_moves_to_oversight"), ("oversight", "0002_own_table_names")]


@pytest.mark.django_db(transaction=True)
def test_cases_findings_and_events_survive_the_move(migrator):
    old = migrator.apply_initial_migration(OLD)
    apps = old.apps
    District, Street, Community = (apps.get_model("districts", m) for m in ("District", "Street", "Community"))
    Category, Finding, FindingEvent = (
        apps.get_model("inspections", m) for m in ("Category", "Finding", "FindingEvent")
    )
    Case, CaseFinding, CaseEvent = (
        apps.get_model("inspections", m) for m in ("AccountabilityCase", "CaseFinding", "CaseEvent")
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")

    district = District.objects.create(code="370103", name="市中区")
    street = Street.objects.create(code="370103002", name="杆石桥街道", district=district)
    community = Community.objects.create(code="370103002001", name="乐山小区社区", street=street)
    inspector = User.objects.create(username="inspector", real_name="于冬梅")
    category = Category.objects.create(code="exposed-garbage", name="暴露垃圾")
    reported = timezone.now() - timedelta(days=3)
    finding = Finding.objects.create(
        code="370103-20261126-0001",
        source="supervision",
        category=category,
        description="楼道堆放杂物",
        community=community,
        street=street,
        district=district,
        status="rectifying",
        reported_at=reported,
        deadline_at=reported + timedelta(hours=24),
        escalation_level=2,
    )
    FindingEvent.objects.create(finding=finding, kind="case_opened", note="超期整改", at=reported)
    case = Case.objects.create(
        district=district,
        street=street,
        responsible_community=community,
        title="超期整改：乐山小区社区",
        state="decided",
        outcome="talk",
        decision_date=timezone.localdate(),
        document_no="市中纪〔2026〕12号",
        opened_by=inspector,
    )
    CaseFinding.objects.create(case=case, finding=finding, deadline_at=finding.deadline_at, hours_overdue="48.0")
    CaseEvent.objects.create(case=case, actor=inspector, kind="opened", payload={"findings": [finding.code]})
    case_type = ContentType.objects.create(app_label="inspections", model="accountabilitycase")
    Permission.objects.create(content_type=case_type, codename="view_accountabilitycase", name="Can view")

    new = migrator.apply_tested_migration(NEW)
    apps = new.apps
    Case = apps.get_model("oversight", "AccountabilityCase")
    moved = Case.objects.get()
    assert (moved.pk, moved.title, moved.outcome, moved.document_no) == (
        case.pk,
        "超期整改：乐山小区社区",
        "talk",
        "市中纪〔2026〕12号",
    )
    assert moved.responsible_community.code == "370103002001" and moved.opened_by.username == "inspector"
    (link,) = apps.get_model("oversight", "CaseFinding").objects.filter(case=moved)
    assert (link.finding.code, link.hours_overdue) == (finding.code, Decimal("48.0"))
    assert list(moved.findings.values_list("code", flat=True)) == [finding.code]
    (event,) = apps.get_model("oversight", "CaseEvent").objects.filter(case=moved)
    assert event.payload == {"findings": [finding.code]} and event.actor.username == "inspector"
    assert apps.get_model("inspections", "FindingEvent").objects.get().kind == "case_opened"
    # The content type moved with the model, and the permission that points to it with it.
    ContentType = apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.get(pk=case_type.pk).app_label == "oversight"
    assert apps.get_model("auth", "Permission").objects.get().content_type_id == case_type.pk
    # The tables carry the new app's name, and new cases keep counting after the old ones.
    assert Case._meta.db_table == "oversight_accountabilitycase"
    later = Case.objects.create(district=moved.district, title="第二件")
    assert later.pk > moved.pk
