"""Query-string helpers for lists that filter, paginate and link to themselves."""

from django.http import QueryDict


def clean_params(params: QueryDict, *, exclude: tuple[str, ...] = ()) -> QueryDict:
    """The query without ``exclude`` and without empty values (a GET form sends ``status=`` for "all")."""
    data = QueryDict(mutable=True)
    for name, values in params.lists():
        kept = [value for value in values if value.strip()]
        if name not in exclude and kept:
            data.setlist(name, kept)
    return data


def query_without(params: QueryDict, *names: str) -> str:
    """The query as a string for links, without ``names`` (the page number, a filter being replaced)."""
    return clean_params(params, exclude=names).urlencode()


def labelled_errors(form) -> list[tuple[str, list[str]]]:
    """A filter form's errors by the labels people read, not by the names in the URL."""
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        out.append((label[:1].upper() + label[1:], [str(error) for error in errors]))
    return out
