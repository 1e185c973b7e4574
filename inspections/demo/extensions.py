"""Demo extension requests (延期), made through the real workflow in the seed's communities.

In each of the four communities of the newspaper report, a fresh finding is reported by its grid
worker, taken on by its community worker, who asks for more time; on one the request waits for
the street, on one the street approved it, on one it refused. So the rectifier's page, the
street's list of requests, the timelines and the outbox all have something real to show.
Runs once: when any extension exists, it does nothing. Unscoped, as a management command's service.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import COMMUNITY_SLUGS, STREET_SLUGS
from accounts.models import User
from districts import demo as geography
from districts.models import GridCell
from inspections import intake, workflow
from inspections.models import Category, Extension, Finding

#: (description, reason asked, decision: None waiting, True approved, False refused, note)
REQUESTS = (
    ("单元门口堆放大件废旧家具", "大件垃圾需预约环卫车辆清运，明日上午才能到场", None, ""),
    ("绿化带内堆放建筑垃圾", "需联系施工方共同清理，今日无法完成", True, "同意延期，请按新时限完成并上传照片"),
    ("楼道内停放电动车充电", "需逐户上门劝导，住户白天不在家", False, "当日可通过张贴告知、晚间入户完成，不予延期"),
)


@transaction.atomic
def seed_extensions() -> int:
    """Make the demo's extension requests (see the module); returns how many were asked for."""
    if Extension.objects.exists():
        return 0
    category = Category.objects.filter(is_active=True, responsible=Category.Responsible.COMMUNITY).first()
    if category is None:
        return 0
    asked = 0
    for name, slug in COMMUNITY_SLUGS.items():
        street = geography.STREET_BY_NAME[geography.SEED_COMMUNITIES[name]]
        usernames = (f"grid-{slug}", f"community-{slug}", f"street-{STREET_SLUGS[street.name]}")
        people = User.objects.in_bulk(usernames, field_name="username")
        grid_worker, worker, staff = (people.get(username) for username in usernames)
        cell = GridCell.objects.filter(code=f"{geography.community_code(name)}001").first()
        if None in (grid_worker, worker, staff, cell):
            continue
        point = _inside(cell)
        for description, reason, approve, note in REQUESTS:
            report = intake.Report(
                source=Finding.Source.GRID_PATROL,
                category=category,
                description=description,
                address=f"{cell.name}",
                lat=point[0],
                lng=point[1],
                reported_at=timezone.now() - timedelta(hours=3),
            )
            finding = intake.report_finding(actor=grid_worker, report=report)
            finding = workflow.acknowledge_finding(actor=worker, finding=finding)
            until = finding.deadline_at + timedelta(hours=18)
            workflow.request_extension(actor=worker, finding=finding, reason=reason, until=until)
            if approve is not None:
                workflow.decide_extension(actor=staff, finding=finding, approve=approve, note=note)
            asked += 1
    return asked


def _inside(cell: GridCell) -> tuple[float, float]:
    """The middle of the cell's box (the demo's cells are rectangles)."""
    return (cell.min_lat + cell.max_lat) / 2, (cell.min_lng + cell.max_lng) / 2
