"""The demo's life circles: points of interest around the four communities the report names.

Positions are offsets in metres from the middle of each community's (demo) boundary, so they
are deterministic and land inside or just outside it. Some communities lack a kind on purpose,
so the table of lacks has something to show: 建新 has its shelter out of reach, 舜华 no bank and
its clinic out of reach, 启明里 no service centre at all; 乐山小区 is complete. Runs unscoped.
"""

import math

from django.db import transaction
from shapely.geometry import shape

from districts.demo import SEED_COMMUNITIES, STREET_BY_NAME
from districts.models import Community
from neighbourhood.models import Kind, PointOfInterest

M_PER_DEG_LAT = 111_195.0

#: community short name → (kind, name, address, hours, metres east, metres north)
POINTS = {
    "建新": (
        (Kind.SERVICE_CENTRE, "建新社区党群服务中心", "建新路12号", "08:30–17:30", 0, 0),
        (Kind.MARKET, "建新便民菜市场", "建新路36号", "06:00–19:00", 260, 340),
        (Kind.CLINIC, "建新社区卫生服务站", "建新路20号", "08:00–20:00", -180, 120),
        (Kind.CLINIC, "漱玉平民大药房(建新店)", "建设路88号", "24小时", 320, -410),
        (Kind.BANK, "中国工商银行建新支行", "建设路102号", "09:00–17:00", 350, -520),
        (Kind.SCHOOL, "建新小学", "建新路55号", "", -260, 610),
        (Kind.ELDERLY_CARE, "建新社区日间照料中心", "建新路12号", "08:00–18:00", 30, 40),
        (Kind.SPORTS_CULTURE, "建新健身广场", "建新路中段", "全天", -150, -300),
        (Kind.SHELTER, "二七新村应急避难场所", "英雄山路东侧", "", 120, -1240),
    ),
    "舜华": (
        (Kind.SERVICE_CENTRE, "舜华社区党群服务中心", "舜华路8号", "08:30–17:30", 0, -100),
        (Kind.MARKET, "舜华早市", "舜华路北段", "05:30–09:30", -200, 380),
        (Kind.CLINIC, "舜耕街道社区卫生服务中心", "舜耕路200号", "08:00–17:00", 240, -1180),
        (Kind.SCHOOL, "舜华小学", "舜华路30号", "", 280, 260),
        (Kind.SHELTER, "舜华中心绿地避难场所", "舜华路中心绿地", "", -120, -380),
        (Kind.ELDERLY_CARE, "舜华长者食堂", "舜华路10号", "10:30–13:00", 60, -60),
        (Kind.SPORTS_CULTURE, "舜华文体活动室", "舜华路8号", "09:00–21:00", 10, -120),
    ),
    "乐山小区": (
        (Kind.SERVICE_CENTRE, "乐山小区社区服务中心", "乐山小区12号楼", "08:30–17:30", 0, 0),
        (Kind.MARKET, "乐山便民市场", "乐山街21号", "06:00–19:00", 150, 420),
        (Kind.CLINIC, "乐山社区卫生服务站", "乐山街8号", "08:00–20:00", -120, -160),
        (Kind.BANK, "中国银行乐山支行", "经七路310号", "09:00–17:00", 200, 640),
        (Kind.SCHOOL, "乐山小学", "乐山街40号", "", -200, -520),
        (Kind.SHELTER, "杆石桥应急避难场所", "乐山街南口广场", "", 90, -700),
        (Kind.ELDERLY_CARE, "乐山养老服务站", "乐山小区5号楼", "08:00–18:00", 60, 90),
        (Kind.SPORTS_CULTURE, "乐山文化广场", "乐山街中段", "全天", -60, 300),
        (Kind.OTHER, "乐山小区快递驿站", "乐山小区3号楼", "09:00–21:00", 100, -60),
    ),
    "启明里": (
        (Kind.MARKET, "启明里菜店", "启明街5号", "07:00–20:00", 120, 200),
        (Kind.CLINIC, "启明里诊所", "启明街18号", "08:00–18:00", -100, -150),
        (Kind.SCHOOL, "启明里幼儿园", "启明街30号", "", 150, -420),
    ),
}


def _at(boundary: dict, east: float, north: float) -> tuple[float, float]:
    centre = shape(boundary).envelope.centroid
    lat = centre.y + north / M_PER_DEG_LAT
    lng = centre.x + east / (M_PER_DEG_LAT * math.cos(math.radians(centre.y)))
    return round(lat, 6), round(lng, 6)


@transaction.atomic
def seed_life_circles() -> int:
    """Create or update the demo points (keyed on community, kind and name); returns how many."""
    count = 0
    for name, points in POINTS.items():
        street = STREET_BY_NAME[SEED_COMMUNITIES[name]]
        community = Community.objects.filter(code=street.community_code(name)).first()
        if community is None or not community.boundary:
            continue
        for kind, title, address, hours, east, north in points:
            lat, lng = _at(community.boundary, east, north)
            PointOfInterest.objects.update_or_create(
                community=community,
                kind=kind,
                name=title,
                defaults={"address": address, "hours": hours, "lat": lat, "lng": lng},
            )
            count += 1
    return count
