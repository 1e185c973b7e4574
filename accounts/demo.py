"""The demo people: one user per role and scope of the demo geography (``districts.demo``).

Usernames are ASCII and say who the person is:

- ``leader``, ``inspector``, ``supervisor``: the district;
- ``discipline-<street>`` (street discipline officer, 纪工委) and ``street-<street>`` (street
  staff) for every street office, e.g. ``street-ganshiqiao``;
- ``streetleader-<street>`` (the street office's leader, who reads its dashboard) for every street;
- ``community-<community>``, ``communityleader-<community>`` and ``grid-<community>`` (the
  community's first cell) for the four communities of the newspaper report, e.g. ``grid-qimingli``;
- ``unit-cgj``, ``unit-jgsw`` and ``unit-jwjw``: staff of 区城管局, 区机关事务服务中心 and 区纪委监委
  (its organ party committee, which organises the commission's volunteer service);
- ``volunteer``.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import ROLE_SCOPE, SCOPE_COLUMN, Membership, Role, User
from districts import demo as geography
from districts.models import Community, District, GridCell, Street, Unit

# ASCII (pinyin) names of the places, for usernames only.
STREET_SLUGS = {
    "大观园": "daguanyuan",
    "杆石桥": "ganshiqiao",
    "四里村": "silicun",
    "魏家庄": "weijiazhuang",
    "二七新村": "erqixincun",
    "七里山": "qilishan",
    "六里山": "liulishan",
    "舜玉路": "shunyulu",
    "泺源": "luoyuan",
    "王官庄": "wangguanzhuang",
    "舜耕": "shungeng",
    "白马山": "baimashan",
    "七贤": "qixian",
    "十六里河": "shiliulihe",
    "兴隆": "xinglong",
    "党家": "dangjia",
    "陡沟": "dougou",
}
COMMUNITY_SLUGS = {"乐山小区": "leshan", "启明里": "qimingli", "建新": "jianxin", "舜华": "shunhua"}
UNIT_STAFF_UNITS = ("CGJ", "JGSW", "JWJW")

_SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
_GIVEN_NAMES = (
    "建华", "秀英", "志强", "海燕", "明", "静", "军", "丽娟", "晓东", "红梅", "立新", "雪",
    "国庆", "玉兰", "鹏", "慧", "振华", "春燕", "磊", "桂芝", "文杰", "晓燕", "永刚", "翠萍", "浩",
)  # fmt: skip

#: The model each kind of scope points to (``SCOPE_COLUMN`` names its Membership column).
_SCOPE_MODELS = {"district": District, "street": Street, "community": Community, "grid": GridCell, "unit": Unit}


@dataclass(frozen=True)
class DemoAccount:
    """One demo login: the role it holds and the code of the scope it holds it in."""

    username: str
    real_name: str
    role: str
    scope_code: str  # "-" for a role held in no place (volunteer)


def _name(index: int) -> str:
    # Deterministic, varied and plausible; the two moduli are coprime so pairs rarely repeat.
    return _SURNAMES[index * 7 % len(_SURNAMES)] + _GIVEN_NAMES[index % len(_GIVEN_NAMES)]


def demo_accounts() -> list[DemoAccount]:
    """The demo logins, in the order they are printed (district, streets, communities, ...)."""
    district = geography.DISTRICT_CODE
    accounts = [
        # The seed: 王蒙, district discipline secretary and member of the district committee;
        # 于冬梅, deputy discipline secretary who runs the campaign's supervision.
        DemoAccount("leader", "王蒙", Role.LEADER, district),
        DemoAccount("inspector", "于冬梅", Role.INSPECTOR, district),
        DemoAccount("supervisor", "刘建国", Role.SUPERVISOR, district),
    ]
    for street in geography.STREETS:
        slug = STREET_SLUGS[street.name]
        accounts.append(DemoAccount(f"discipline-{slug}", "", Role.STREET_DISCIPLINE, street.code))
        accounts.append(DemoAccount(f"street-{slug}", "", Role.STREET_STAFF, street.code))
        accounts.append(DemoAccount(f"streetleader-{slug}", "", Role.STREET_LEADER, street.code))
    for name, slug in COMMUNITY_SLUGS.items():
        accounts.append(DemoAccount(f"community-{slug}", "", Role.COMMUNITY_WORKER, geography.community_code(name)))
    for name, slug in COMMUNITY_SLUGS.items():
        accounts.append(
            DemoAccount(f"communityleader-{slug}", "", Role.COMMUNITY_LEADER, geography.community_code(name))
        )
    for name, slug in COMMUNITY_SLUGS.items():
        first_cell = f"{geography.community_code(name)}001"
        accounts.append(DemoAccount(f"grid-{slug}", "", Role.GRID_WORKER, first_cell))
    for code in UNIT_STAFF_UNITS:
        accounts.append(DemoAccount(f"unit-{code.lower()}", "", Role.UNIT_STAFF, code))
    accounts.append(DemoAccount("volunteer", "", Role.VOLUNTEER, "-"))
    return [
        account if account.real_name else DemoAccount(account.username, _name(i), account.role, account.scope_code)
        for i, account in enumerate(accounts)
    ]


def _phone(index: int) -> str:
    return f"1380531{index + 1:04d}"


@transaction.atomic
def seed_demo_users(*, password: str) -> list[DemoAccount]:
    """Create (or complete) the demo users and their memberships; set ``password`` on all.

    Needs the demo geography (``districts.demo.seed_demo_geography``) to exist. Idempotent:
    keyed on usernames and (user, role, scope); a second run creates nothing and changes only
    the passwords (and re-activates a demo user someone deactivated, so the printed logins work).
    Runs unscoped (a management command's service).
    """
    accounts = demo_accounts()

    # 1. The scope objects, one query per kind of scope.
    scopes: dict[str, dict] = {}
    for kind, model in _SCOPE_MODELS.items():
        codes = [a.scope_code for a in accounts if ROLE_SCOPE[a.role] == kind]
        scopes[kind] = model.objects.in_bulk(codes, field_name="code") if codes else {}

    # 2. The users. One hash for all: the demo users share the password, and hashing it once
    # instead of once per user (PBKDF2 is slow on purpose) keeps the command at a few seconds.
    hashed = make_password(password)
    existing = User.objects.in_bulk([a.username for a in accounts], field_name="username")
    new_users = []
    for index, account in enumerate(accounts):
        user = existing.get(account.username)
        if user is None:
            new_users.append(
                User(username=account.username, real_name=account.real_name, phone=_phone(index), password=hashed)
            )
        else:
            user.password = hashed
            user.is_active = True
    User.objects.bulk_update(existing.values(), ["password", "is_active"])
    User.objects.bulk_create(new_users)
    users = User.objects.in_bulk([a.username for a in accounts], field_name="username")

    # 3. The memberships: exactly the scope column the role calls for, the others empty.
    held = set(
        Membership.objects.filter(user__in=users.values()).values_list(
            "user_id", "role", "district_id", "street_id", "community_id", "grid_cell_id", "unit_id"
        )
    )
    new_memberships = []
    for account in accounts:
        kind = ROLE_SCOPE[account.role]
        columns = {f"{SCOPE_COLUMN[k]}_id": None for k in _SCOPE_MODELS}
        if kind in _SCOPE_MODELS:
            columns[f"{SCOPE_COLUMN[kind]}_id"] = scopes[kind][account.scope_code].pk
        membership = Membership(user=users[account.username], role=account.role, **columns)
        key = (membership.user_id, membership.role, *columns.values())
        if key not in held:
            new_memberships.append(membership)
    Membership.objects.bulk_create(new_memberships)
    return accounts
