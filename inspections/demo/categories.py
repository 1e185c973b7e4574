"""The campaign's common categories of problems, for the demo (``seed_demo``)."""

from dataclasses import dataclass

from django.db import transaction

from districts.models import Unit
from inspections.models import Category


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name: str
    deadline_hours: int = 24
    unit: str | None = None  # code of the responsible unit; None: the community answers for it
    weight: int = 5  # how often generated findings fall in it
    descriptions: tuple[str, ...] = ()


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory("exposed-garbage", "暴露垃圾", weight=18,
                 descriptions=("路边垃圾堆放未及时清运", "垃圾桶满溢，周边散落垃圾", "小区角落有暴露垃圾")),
    DemoCategory("illegal-ads", "非法小广告", weight=12,
                 descriptions=("电线杆上张贴非法小广告", "墙面喷涂办证小广告", "楼道内小广告未清理")),
    DemoCategory("disorderly-parking", "乱停乱放", weight=10,
                 descriptions=("机动车占用人行道停放", "车辆停放堵塞消防通道", "路口车辆乱停乱放")),
    DemoCategory("road-occupation", "占道经营", unit="CGJ", weight=8,
                 descriptions=("商户出店经营占用人行道", "流动摊贩占道经营", "早市摊点越线经营")),
    DemoCategory("damaged-psa", "公益广告缺损", deadline_hours=48, weight=4,
                 descriptions=("公益广告牌破损褪色", "“讲文明树新风”公益广告缺失", "围墙公益广告残缺")),
    DemoCategory("broken-facility", "设施损坏", deadline_hours=48, weight=6,
                 descriptions=("健身器材损坏", "路灯不亮", "井盖破损", "休息座椅损坏")),
    DemoCategory("corridor-clutter", "楼道堆物", weight=8,
                 descriptions=("楼道堆放杂物", "楼道内停放电动车充电", "单元门口堆放废旧家具")),
    DemoCategory("illegal-posting", "违规张贴", weight=6,
                 descriptions=("宣传栏外违规张贴", "店铺门口乱贴告示", "公交站牌被乱贴")),
    DemoCategory("greenbelt-litter", "绿化带垃圾", weight=8,
                 descriptions=("绿化带内有白色垃圾", "绿化带内堆放建筑垃圾", "树池内烟头纸屑较多")),
    DemoCategory("bicycle-parking", "非机动车乱停放", weight=10,
                 descriptions=("共享单车乱停乱放", "电动车停放占用盲道", "非机动车未停放在划线区域")),
    DemoCategory("unleashed-dog", "文明养犬", weight=4,
                 descriptions=("遛狗未牵绳", "犬只粪便未清理", "大型犬只未拴绳出入小区")),
    DemoCategory("hoarding-damage", "施工围挡破损", deadline_hours=48, unit="ZJJ", weight=3,
                 descriptions=("施工围挡破损倒伏", "工地围挡公益广告破损", "围挡缺失，渣土外露")),
)  # fmt: skip


@transaction.atomic
def seed_categories() -> list[Category]:
    """Create (or bring back to the demo's values) the campaign's common categories.

    Keyed on codes; needs the demo units (``districts.demo.seed_demo_geography``). Leaves
    ``is_active`` alone: a category an administrator retired stays retired.
    """
    units = Unit.objects.in_bulk([c.unit for c in CATEGORIES if c.unit], field_name="code")
    categories = []
    for order, demo in enumerate(CATEGORIES, start=1):
        category, _created = Category.objects.update_or_create(
            code=demo.code,
            defaults={
                "name": demo.name,
                "deadline_hours": demo.deadline_hours,
                "ack_minutes": 60,
                "responsible": Category.Responsible.UNIT if demo.unit else Category.Responsible.COMMUNITY,
                "unit": units[demo.unit] if demo.unit else None,
                "sort_order": order * 10,
            },
        )
        categories.append(category)
    return categories
