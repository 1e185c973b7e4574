"""Writing generated findings and their events in bulk, ids given out before the insert.

PostgreSQL with psycopg2: COPY FROM STDIN in a second thread (``CopyWriter``). Elsewhere:
``bulk_create`` (``OrmWriter``). Rows are tuples in the order of ``FINDING_COLUMNS``,
``EVENT_COLUMNS`` and ``PHOTO_COLUMNS``; times are integers of microseconds since the epoch
(UTC), payloads JSON text.
"""

import io
import json
import queue
import re
import threading
from array import array
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from inspections.models import Finding, FindingEvent, FindingPhoto

SECOND = 1_000_000  # times are integers of microseconds since the epoch
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FINDING_COLUMNS = (
    "id", "code", "source", "category_id", "description", "address", "lat", "lng", "grid_cell_id", "community_id",
    "street_id", "district_id", "responsible_unit_id", "responsible_person_id", "status", "reported_at",
    "dispatched_at", "acknowledged_at", "submitted_at", "closed_at", "deadline_at", "escalation_level",
    "ack_deadline_at", "reminded_at", "ack_late_at", "overdue_at", "return_count", "external_ref", "duplicate_of_id",
    "reporter_id",
)  # fmt: skip
EVENT_COLUMNS = ("finding_id", "actor_id", "kind", "from_status", "to_status", "note", "at", "payload")
PHOTO_COLUMNS = ("finding_id", "stage", "image", "thumbnail", "width", "height", "uploader_id", "uploaded_at")
FINDING_TIMES = frozenset(i for i, c in enumerate(FINDING_COLUMNS) if c.endswith("_at"))
FINDING_TIME_COLUMNS = tuple(c for c in FINDING_COLUMNS if c.endswith("_at"))


def writer_for(count: int) -> "CopyWriter | OrmWriter":
    """COPY through psycopg2's ``copy_expert``; psycopg 3 and SQLite take the ``bulk_create`` path."""
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        if not is_psycopg3:
            return CopyWriter(count)
    return OrmWriter()


def micros(at: datetime) -> int:
    delta = at - EPOCH
    return (delta.days * 86_400 + delta.seconds) * SECOND + delta.microseconds


def moment(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(microseconds=value)


class OrmWriter:
    """``bulk_create``: the SQLite path (and PostgreSQL with psycopg 3).

    Ids are given out before the insert because events and duplicates refer to them: from the
    sequence on PostgreSQL; on SQLite after the largest id, which is safe because the
    transaction holds the database's only write lock.
    """

    batch_size = 2_000

    def __init__(self):
        self.next_id = None if connection.vendor == "postgresql" else _last_finding_id() + 1

    def allocate_ids(self, count: int) -> list[int]:
        if self.next_id is None:
            return _nextvals(count)
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        return ids

    def write(self, findings: list[tuple], events: list[tuple], photos: list[tuple] = ()) -> None:
        objects = []
        for row in findings:
            values = dict(zip(FINDING_COLUMNS, row, strict=True))
            for column in FINDING_TIME_COLUMNS:
                values[column] = moment(values[column])
            objects.append(Finding(**values))
        Finding.objects.bulk_create(objects)
        FindingEvent.objects.bulk_create(
            FindingEvent(
                finding_id=e[0], actor_id=e[1], kind=e[2], from_status=e[3], to_status=e[4], note=e[5],
                at=moment(e[6]), payload=json.loads(e[7]),
            )
            for e in events
        )  # fmt: skip
        FindingPhoto.objects.bulk_create(
            FindingPhoto(
                finding_id=p[0], stage=p[1], image=p[2], thumbnail=p[3], width=p[4], height=p[5], uploader_id=p[6],
                uploaded_at=moment(p[7]),
            )
            for p in photos
        )  # fmt: skip

    def close(self, *, failed: bool = False) -> None:
        pass


def _last_finding_id() -> int:
    return Finding.objects.aggregate(last=Max("id"))["last"] or 0


def _nextvals(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Finding._meta.db_table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _text(value: str) -> str:
    """A string in COPY's text format."""
    if _NEEDS_ESCAPE.search(value):
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class CopyWriter:
    """COPY FROM STDIN through psycopg2: the PostgreSQL path.

    A second thread runs the COPY of one batch while this one makes the next, so that Python
    and the server work side by side (psycopg2 lets go of the GIL while the server works).
    The thread alone uses the connection from the first batch to ``close()``: the ids are all
    taken from the table's sequence before it starts.
    """

    batch_size = 20_000

    def __init__(self, count: int):
        self.ids = array("q")
        for start in range(0, count, 100_000):
            self.ids.extend(_nextvals(min(100_000, count - start)))
        self.taken = 0
        self.cursor = connection.cursor()
        # Foreign keys are checked at the end of each COPY instead of piling up millions of
        # deferred checks until the commit.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.finding_sql, self.tail = _copy_statement(Finding, FINDING_COLUMNS)
        self.event_sql, self.event_tail = _copy_statement(FindingEvent, EVENT_COLUMNS)
        self.photo_sql, self.photo_tail = _copy_statement(FindingPhoto, PHOTO_COLUMNS)
        self.error: BaseException | None = None
        self.work: queue.Queue = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._copy, args=(self.cursor.cursor,), daemon=True)
        self.thread.start()

    def allocate_ids(self, count: int) -> list[int]:
        ids = self.ids[self.taken : self.taken + count].tolist()
        self.taken += count
        return ids

    def write(self, findings: list[tuple], events: list[tuple], photos: list[tuple] = ()) -> None:
        rows = io.StringIO()
        for row in findings:
            fields = [
                "\\N" if v is None else (_iso(v) if i in FINDING_TIMES else _text(v) if isinstance(v, str) else str(v))
                for i, v in enumerate(row)
            ]
            rows.write("\t".join(fields) + self.tail)
        history = io.StringIO()
        for finding_id, actor, kind, old, new, note, at, payload in events:
            actor = "\\N" if actor is None else str(actor)
            history.write(
                f"{finding_id}\t{actor}\t{kind}\t{old}\t{new}\t{_text(note)}\t{_iso(at)}\t{_text(payload)}{self.event_tail}"
            )
        pictures = io.StringIO()
        for finding_id, stage, image, thumbnail, width, height, uploader, at in photos:
            uploader = "\\N" if uploader is None else str(uploader)
            pictures.write(
                f"{finding_id}\t{stage}\t{_text(image)}\t{_text(thumbnail)}\t{width}\t{height}\t{uploader}\t{_iso(at)}"
                f"{self.photo_tail}"
            )
        self._raise()
        rows.seek(0)
        history.seek(0)
        pictures.seek(0)
        self.work.put([(self.finding_sql, rows), (self.event_sql, history), (self.photo_sql, pictures)])

    def _copy(self, cursor) -> None:
        while (batch := self.work.get()) is not None:
            if self.error is not None:
                continue  # drain the queue; the main thread raises the error
            try:
                for sql, data in batch:
                    cursor.copy_expert(sql, data, size=1 << 20)
            except BaseException as exc:  # handed over to the main thread
                self.error = exc

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self, *, failed: bool = False) -> None:
        self.work.put(None)
        self.thread.join()
        if not failed:
            self._raise()
            # Back to Django's default (its foreign keys are INITIALLY DEFERRED) for the rest
            # of the transaction.
            self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.cursor.close()


def _copy_statement(model, columns: tuple[str, ...]) -> tuple[str, str]:
    """The COPY statement for ``columns`` and the other columns (but the primary key), and the
    text that ends every line: those columns' values, the same for every row (their default;
    the time of the seeding for ``auto_now`` fields).
    """
    now = timezone.now()
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value from the generator.")
        names.append(field.column)
        values.append(_copy_value(value))
    sql = f"COPY {model._meta.db_table} ({', '.join((*columns, *names))}) FROM STDIN"
    return sql, "".join(f"\t{v}" for v in values) + "\n"


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _text(json.dumps(value, ensure_ascii=False))
    return _text(str(value))


def _iso(value: int) -> str:
    return (EPOCH + timedelta(microseconds=value)).isoformat()
