"""The group of a finding category (its campaign action line, 攻坚行动), told by the app that knows.

``inspections`` knows nothing of campaigns: the campaign app says, when it starts, which function
answers (``provide``), and readers such as Open311's list of services ask here
(``category_groups``). With no provider, no category has a group.
"""

from collections.abc import Callable, Iterable

_providers: list[Callable[[list[int]], dict[int, str]]] = []


def provide(function: Callable[[list[int]], dict[int, str]]) -> None:
    """Register ``function(category ids) -> {category id: group name}`` (once per process)."""
    if function not in _providers:
        _providers.append(function)


def category_groups(category_ids: Iterable[int]) -> dict[int, str]:
    """Category id → the name of its group, for the categories that have one."""
    ids = list(category_ids)
    groups: dict[int, str] = {}
    for function in _providers:
        groups.update(function(ids))
    return groups
