"""Demo content of the volunteer service, on the demo geography and units (``districts.demo``).

- 双报到: 区纪委监委 registered with 建新 and 舜华 (the seed's "双报到 communities"), 区机关事务服务中心
  with 启明里 (which adopted its residents' wish for benches), 区城管局 with 乐山小区; 区文明办's
  registration with 启明里 waits for the community's approval.
- People: 44 party members of those units with logins, each registered in person with the
  community where they live (12 in 建新, 10 in 舜华, 12 in 启明里, 10 in 乐山小区), printed as
  ``username<TAB>volunteer<TAB>community code``; the demo login ``volunteer`` gets a profile in 乐山小区.
- Activities: six weeks of past ones with their attendance (hours, a few no-shows), and coming ones
  to sign up for (one already full, with a waitlist).
- The duty roster: 区纪委监委 sends 8 cadres each weekday, spread over 建新 and 舜华, everyone
  available at weekends, for this month and the next; the days already past were served.
- Micro-wishes in every state, among them 启明里's benches, fulfilled and rated.

``seed_volunteers`` is idempotent: the people and registrations are keyed on usernames and codes;
the activities, roster and wishes are made once, on a database that has no volunteer activity yet.
Runs unscoped (a management command's service).
"""

import io
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.demo import COMMUNITY_SLUGS, DemoAccount
from accounts.models import Membership, Role, User
from districts import demo as geography
from districts.models import Community, Unit
from volunteers import rules
from volunteers.models import (
    Activity,
    Attendance,
    DutyRule,
    Registration,
    SignUp,
    Volunteer,
    Wish,
    WishEvent,
    WishPhoto,
)
from volunteers.roster import generate_roster

#: Community (short name) → (how many people live there, their unit's code).
PEOPLE = {"建新": (12, "JWJW"), "舜华": (10, "JWJW"), "启明里": (12, "JGSW"), "乐山小区": (10, "CGJ")}
#: Approved unit registrations (单位报到), and the one still waiting.
UNIT_REGISTRATIONS = {"JWJW": ("建新", "舜华"), "JGSW": ("启明里",), "CGJ": ("乐山小区",)}
PENDING_UNIT = ("WMB", "启明里")

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = (
    "志刚", "秀兰", "建国", "丽华", "海涛", "晓红", "国强", "春梅", "振宇", "玉珍", "立军", "淑芬", "文博",
    "凤英", "永强", "桂兰", "德明", "美玲", "宏伟", "雪梅", "子涵", "思远", "嘉怡", "浩然",
)  # fmt: skip
SKILLS = ("", "", "急救", "摄影", "书法", "驾驶", "心理疏导", "")
ACTIVITIES = (
    (Activity.Kind.CLEANING, "楼道及公共区域卫生清理", "单元楼下集合，自带手套", time(9), time(11)),
    (Activity.Kind.PARKING, "非机动车规范停放", "小区东门", time(16), time(17, 30)),
    (Activity.Kind.PUBLICITY, "文明创建宣传入户", "社区党群服务中心", time(15), time(17)),
    (Activity.Kind.VISITS, "入户模拟测评", "社区党群服务中心", time(9, 30), time(11, 30)),
)
WISHES = (
    # (community, title, description, resident, status, claimant unit code or None)
    (
        "启明里",
        "小区休闲座椅",
        "老年居民反映小区内缺少休息的地方，希望在花坛边安装休闲座椅。",
        "赵桂芝",
        "closed",
        "JGSW",
    ),
    ("建新", "楼道感应灯维修", "3号楼2单元楼道灯坏了一个月，老人夜里上下楼不方便。", "孙德明", "published", None),
    ("舜华", "独居老人代购药品", "独居老人行动不便，希望每周有人帮忙代购常用药。", "钱玉珍", "claimed", "JWJW"),
    ("乐山小区", "儿童绘本角", "希望社区活动室添置一些儿童绘本。", "周晓红", "recorded", None),
)


def _name(index: int) -> str:
    return _SURNAMES[index * 11 % len(_SURNAMES)] + _GIVEN[index * 7 % len(_GIVEN)]


def demo_people() -> list[tuple[str, str, str, str]]:
    """(username, name, community short name, unit code) of each demo volunteer, in printed order."""
    people = []
    index = 0
    for community, (count, unit) in PEOPLE.items():
        for n in range(1, count + 1):
            people.append((f"volunteer-{COMMUNITY_SLUGS[community]}-{n:02d}", _name(index), community, unit))
            index += 1
    return people


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def seed_volunteers(*, password: str) -> list[DemoAccount]:
    """The people (idempotent, every run), then the activities, roster and wishes (once)."""
    communities = {name: Community.objects.get(code=geography.community_code(name)) for name in PEOPLE}
    units = Unit.objects.in_bulk([*UNIT_REGISTRATIONS, PENDING_UNIT[0]], field_name="code")
    _registrations(communities, units)
    accounts, volunteers = _people(communities, units, password)
    if not Activity.objects.filter(community__in=communities.values()).exists():
        _history(communities, volunteers)
        _roster(units["JWJW"])
        _wishes(communities, units, volunteers)
    return accounts


def _registrations(communities: dict, units: dict) -> None:
    now = timezone.now()
    wanted = [
        (code, name, Registration.Status.APPROVED) for code, names in UNIT_REGISTRATIONS.items() for name in names
    ]
    wanted.append((PENDING_UNIT[0], PENDING_UNIT[1], Registration.Status.PENDING))
    have = set(Registration.objects.filter(kind=Registration.Kind.UNIT).values_list("unit__code", "community_id"))
    Registration.objects.bulk_create(
        [
            Registration(
                kind=Registration.Kind.UNIT,
                unit=units[code],
                community=communities[name],
                status=status,
                note="机关党委统一组织，党员自愿报名" if code == "JWJW" else "",
                requested_at=now - timedelta(days=60),
                decided_at=None if status == Registration.Status.PENDING else now - timedelta(days=58),
            )
            for code, name, status in wanted
            if (code, communities[name].pk) not in have
        ]
    )


def _people(communities: dict, units: dict, password: str) -> tuple[list[DemoAccount], dict[str, list[Volunteer]]]:
    people = demo_people()
    hashed = make_password(password)
    names = [username for username, *_rest in people] + ["volunteer"]
    existing = User.objects.in_bulk(names, field_name="username")
    for user in existing.values():
        user.password, user.is_active = hashed, True
    User.objects.bulk_update([u for u in existing.values() if u.username != "volunteer"], ["password", "is_active"])
    User.objects.bulk_create(
        [
            User(username=username, real_name=name, phone=f"1380531{1001 + i:04d}", password=hashed)
            for i, (username, name, _c, _u) in enumerate(people)
            if username not in existing
        ]
    )
    users = User.objects.in_bulk(names, field_name="username")
    held = set(
        Membership.objects.filter(user__in=users.values(), role=Role.VOLUNTEER).values_list("user_id", flat=True)
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.VOLUNTEER) for u in users.values() if u.pk not in held]
    )
    profiles = {v.user_id: v for v in Volunteer.objects.filter(user__in=users.values())}
    rng = random.Random(10)  # noqa: S311 (demo data)
    new = []
    for i, (username, name, _community, unit) in enumerate(people):
        user = users[username]
        if user.pk not in profiles:
            weekdays_off = rng.choice((0, 0, 0, 1 << rng.randrange(5)))
            new.append(
                Volunteer(
                    user=user,
                    name=name,
                    phone=user.phone,
                    unit=units[unit],
                    is_party_member=True,
                    skills=SKILLS[i % len(SKILLS)],
                    availability=0b1111111 & ~weekdays_off,
                )
            )
    demo_login = users.get("volunteer")
    if demo_login is not None and demo_login.pk not in profiles:
        new.append(
            Volunteer(
                user=demo_login,
                name=demo_login.real_name or "志愿者",
                phone=demo_login.phone,
                unit=units["CGJ"],
                is_party_member=True,
            )
        )
    Volunteer.objects.bulk_create(new)
    profiles = {v.user_id: v for v in Volunteer.objects.filter(user__in=users.values())}
    by_community: dict[str, list[Volunteer]] = {name: [] for name in PEOPLE}
    for username, _person, community, _unit in people:
        by_community[community].append(profiles[users[username].pk])
    homes = [(profiles[users[u].pk], c) for u, _n, c, _unit in people]
    if demo_login is not None:
        homes.append((profiles[demo_login.pk], "乐山小区"))
    have = set(Registration.objects.filter(kind=Registration.Kind.MEMBER).values_list("volunteer_id", flat=True))
    now = timezone.now()
    Registration.objects.bulk_create(
        [
            Registration(
                kind=Registration.Kind.MEMBER,
                volunteer=volunteer,
                community=communities[community],
                status=Registration.Status.APPROVED,
                requested_at=now - timedelta(days=50),
                decided_at=now - timedelta(days=49),
            )
            for volunteer, community in homes
            if volunteer.pk not in have
        ]
    )
    accounts = [
        DemoAccount(username, name, Role.VOLUNTEER, geography.community_code(community))
        for username, name, community, _unit in people
    ]
    return accounts, by_community


def _attend(signup: SignUp, activity: Activity, minutes_late: int, minutes_early: int) -> Attendance:
    checked_in = activity.starts_at + timedelta(minutes=minutes_late)
    checked_out = activity.ends_at - timedelta(minutes=minutes_early)
    return Attendance(
        signup=signup,
        activity=activity,
        volunteer=signup.volunteer,
        community=activity.community,
        unit_id=signup.volunteer.unit_id,
        checked_in_at=checked_in,
        check_in_method=Attendance.Method.QR if minutes_late % 2 else Attendance.Method.ORGANISER,
        checked_out_at=checked_out,
        hours=rules.served_hours(
            checked_in_at=checked_in, checked_out_at=checked_out, starts_at=activity.starts_at, ends_at=activity.ends_at
        ),
    )


def _history(communities: dict, volunteers: dict) -> None:
    """Six weeks of past activities with attendance, and the coming ones to sign up for."""
    rng = random.Random(2020)  # noqa: S311 (demo data)
    today = timezone.localdate()
    organisers = {
        m.community_id: m.user
        for m in Membership.objects.filter(role=Role.COMMUNITY_WORKER, community__in=communities.values())
    }
    plans = []  # (community name, day, kind index, capacity)
    for name in communities:
        for week in range(6, 0, -1):
            monday = today - timedelta(days=today.weekday() + 7 * week)
            plans.append((name, monday + timedelta(days=5), 0, 10))  # Saturday cleaning
            plans.append((name, monday + timedelta(days=2), 1 + week % 3, 8))  # midweek
        plans.append((name, today + timedelta(days=2), 0, 10))
        plans.append((name, today + timedelta(days=5), 2, 6))
        plans.append((name, today + timedelta(days=9), 3, 8))
    activities = []
    for name, day, kind_index, capacity in plans:
        kind, title, place, start, end = ACTIVITIES[kind_index]
        community = communities[name]
        activities.append(
            Activity(
                community=community,
                title=title,
                kind=kind,
                starts_at=_local(day, start),
                ends_at=_local(day, end),
                place=place,
                capacity=capacity,
                description="服从社区安排，自备饮用水；清理纸屑、烟头、小广告，规范非机动车停放。",
                organiser=organisers.get(community.pk),
                created_at=_local(day, start) - timedelta(days=7),
            )
        )
    Activity.objects.bulk_create(activities)
    now = timezone.now()
    signups, attended = [], []
    for activity, (name, _day, _kind, _capacity) in zip(activities, plans, strict=True):
        people = volunteers[name]
        past = activity.ends_at < now
        if past:
            chosen = rng.sample(people, k=min(activity.capacity, len(people) - 1))
        elif activity.capacity <= 6:
            chosen = people[: activity.capacity + 3]  # full, with a waitlist
        else:
            chosen = rng.sample(people, k=3)
        for position, volunteer in enumerate(chosen):
            created = activity.starts_at - timedelta(days=5, minutes=position)
            if past:
                status = SignUp.Status.NO_SHOW if rng.random() < 0.08 else SignUp.Status.ATTENDED
            else:
                status = SignUp.Status.CONFIRMED if position < activity.capacity else SignUp.Status.WAITLISTED
            signups.append(
                SignUp(
                    activity=activity,
                    volunteer=volunteer,
                    status=status,
                    created_at=created,
                    confirmed_at=created if status != SignUp.Status.WAITLISTED else None,
                )
            )
    SignUp.objects.bulk_create(signups)
    for signup in signups:
        if signup.status == SignUp.Status.ATTENDED:
            attended.append(_attend(signup, signup.activity, rng.choice((0, 0, 5, 10, 15)), rng.choice((0, 0, 10, 20))))
    Attendance.objects.bulk_create(attended)
    # The demo login has something coming: the next cleaning in 乐山小区.
    demo = Volunteer.objects.filter(user__username="volunteer").first()
    coming = next(a for a, p in zip(activities, plans, strict=True) if p[0] == "乐山小区" and a.starts_at > now)
    if demo is not None and not coming.signups.filter(volunteer=demo).exists():
        SignUp.objects.create(activity=coming, volunteer=demo, status=SignUp.Status.CONFIRMED, confirmed_at=now)


def _roster(unit: Unit) -> None:
    """区纪委监委: 8 cadres each weekday over 建新 and 舜华 this month and next; the past days served."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last = ((first + timedelta(days=62)).replace(day=1)) - timedelta(days=1)
    organiser = User.objects.get(memberships__role=Role.UNIT_STAFF, memberships__unit=unit)
    rule = DutyRule.objects.create(
        unit=unit,
        per_weekday=8,
        starts_on=first,
        ends_on=last,
        place="社区党群服务中心",
        created_by=organiser,
    )
    # Made as on the first of the month, so the days already past have their duty and attendance.
    made_at = min(_local(first, time(0)), timezone.now())
    generate_roster(actor=organiser, rule=rule, start=first, end=last, now=made_at)
    now = timezone.now()
    past = list(
        SignUp.objects.filter(activity__rule=rule, activity__ends_at__lt=now).select_related("activity", "volunteer")
    )
    rng = random.Random(905)  # noqa: S311 (demo data)
    rows = []
    for signup in past:
        if rng.random() < 0.06:
            signup.status = SignUp.Status.NO_SHOW
        else:
            signup.status = SignUp.Status.ATTENDED
            rows.append(_attend(signup, signup.activity, rng.choice((0, 5, 10)), rng.choice((0, 0, 15))))
    SignUp.objects.bulk_update(past, ["status"])
    Attendance.objects.bulk_create(rows)


def _photo() -> ContentFile:
    image = Image.new("RGB", (640, 480), (222, 235, 214))
    draw = ImageDraw.Draw(image)
    for x in (90, 260, 430):
        draw.rectangle([x, 250, x + 130, 280], fill=(139, 90, 43))
        draw.rectangle([x + 10, 280, x + 20, 340], fill=(90, 60, 30))
        draw.rectangle([x + 110, 280, x + 120, 340], fill=(90, 60, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="benches.jpg")


def _wishes(communities: dict, units: dict, volunteers: dict) -> None:
    now = timezone.now()
    workers = {
        m.community_id: m.user
        for m in Membership.objects.filter(role=Role.COMMUNITY_WORKER, community__in=communities.values())
    }
    for index, (name, title, description, resident, status, claimant) in enumerate(WISHES):
        community = communities[name]
        worker = workers.get(community.pk)
        created = now - timedelta(days=30 - index * 5)
        steps = ["recorded", "published", "claimed", "fulfilled", "closed"]
        reached = steps.index(status)
        unit = units.get(claimant) if claimant else None
        wish = Wish.objects.create(
            community=community,
            title=title,
            description=description,
            resident_name=resident,
            resident_phone=f"1390531{8001 + index:04d}",
            status=status,
            recorded_by=worker,
            created_at=created,
            published_at=created + timedelta(days=1) if reached >= 1 else None,
            claimed_unit=unit if reached >= 2 else None,
            claimed_at=created + timedelta(days=2) if reached >= 2 else None,
            fulfilled_at=created + timedelta(days=9) if reached >= 3 else None,
            fulfilment_note="已在花坛边安装休闲座椅6把，并做好防滑处理。" if reached >= 3 else "",
            satisfaction=Wish.Satisfaction.VERY_SATISFIED if reached >= 4 else "",
            feedback="座椅很结实，老人们遛弯累了有地方歇脚了。" if reached >= 4 else "",
        )
        kinds = [
            WishEvent.Kind.RECORDED,
            WishEvent.Kind.PUBLISHED,
            WishEvent.Kind.CLAIMED,
            WishEvent.Kind.FULFILLED,
            WishEvent.Kind.RATED,
        ]
        at = [
            created,
            wish.published_at,
            wish.claimed_at,
            wish.fulfilled_at,
            (wish.fulfilled_at or now) + timedelta(days=1),
        ]
        WishEvent.objects.bulk_create(
            [
                WishEvent(
                    wish=wish,
                    actor=worker if k in (0, 1, 4) else None,
                    kind=kinds[k],
                    at=at[k],
                    note=unit.name if k == 2 and unit else ("非常满意" if k == 4 else ""),
                )  # fmt: skip
                for k in range(reached + 1)
            ]
        )
        if reached >= 3:
            row = WishPhoto(wish=wish, uploaded_at=wish.fulfilled_at)
            picture = _photo()
            row.image.save(picture.name, picture, save=False)
            row.thumbnail.save(f"thumb-{picture.name}", _photo(), save=False)
            row.save()
