"""Demo content of the Open311 face: the questions a client asks before filing some categories.

Idempotent (keyed on category and question codes); needs the demo categories
(``inspections.demo.seed_categories``). Runs unscoped, as a service of ``seed_demo``.
"""

from dataclasses import dataclass

from django.db import transaction

from inspections.models import Category
from open311.models import AttributeValue, ServiceAttribute

Datatype = ServiceAttribute.Datatype


@dataclass(frozen=True)
class DemoQuestion:
    category: str
    code: str
    description: str
    datatype: str
    required: bool = False
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()


QUESTIONS: tuple[DemoQuestion, ...] = (
    DemoQuestion("exposed-garbage", "where", "垃圾在什么位置？", Datatype.SINGLE, required=True,
                 values=(("roadside", "路边"), ("greenbelt", "绿化带"), ("corridor", "楼道"), ("bin", "垃圾桶周边"))),
    DemoQuestion("exposed-garbage", "amount", "大约有几袋？", Datatype.NUMBER, datatype_description="填写数字，如 3"),
    DemoQuestion("disorderly-parking", "plate", "车牌号（如能看清）", Datatype.STRING,
                 datatype_description="如 鲁A12345"),
    DemoQuestion("disorderly-parking", "blocking", "占用了什么？", Datatype.MULTIPLE,
                 values=(("sidewalk", "人行道"), ("fire-lane", "消防通道"), ("blind-path", "盲道"))),
    DemoQuestion("broken-facility", "facility", "哪种设施？", Datatype.SINGLE, required=True,
                 values=(("streetlight", "路灯"), ("manhole", "井盖"), ("fitness", "健身器材"), ("bench", "座椅"))),
    DemoQuestion("broken-facility", "since", "大约从什么时候坏的？", Datatype.DATETIME,
                 datatype_description="如 2026-11-20T08:00:00+08:00"),
)  # fmt: skip


@transaction.atomic
def seed_service_questions() -> list[ServiceAttribute]:
    """Create (or bring back to the demo's values) the questions of the demo categories."""
    categories = Category.objects.in_bulk({q.category for q in QUESTIONS}, field_name="code")
    made = []
    orders: dict[str, int] = {}
    for question in QUESTIONS:
        category = categories.get(question.category)
        if category is None:
            continue
        order = orders[question.category] = orders.get(question.category, 0) + 1
        # Free the order first: another question of the category may hold it from an earlier demo.
        ServiceAttribute.objects.filter(category=category, order=order).exclude(code=question.code).delete()
        attribute, _created = ServiceAttribute.objects.update_or_create(
            category=category,
            code=question.code,
            defaults={
                "description": question.description,
                "datatype": question.datatype,
                "required": question.required,
                "datatype_description": question.datatype_description,
                "variable": True,
                "order": order,
            },
        )
        for position, (key, name) in enumerate(question.values, start=1):
            AttributeValue.objects.update_or_create(
                attribute=attribute, key=key, defaults={"name": name, "order": position}
            )
        made.append(attribute)
    return made
