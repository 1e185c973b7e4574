"""The simulated people of ``bench/load.py`` (a locustfile; run by it, not by hand).

A realistic mix of the portal's day, of people already logged in: community workers list their
findings, open one and act on it (acknowledge, submit with an "after" photo); street staff look at the battle map and
verify what was submitted; the 12345 hotline hands over tickets; Open311 clients (each with its
own key) read the services and file requests, then read them back; leaders open the dashboard.

Configuration comes from the environment (``LOAD_CONFIG``: a JSON file written by load.py with
the accounts and their sessions, the keys). Every intake answered 201 is written to
``LOAD_LEDGER`` (one JSON line each), and every answer's status is counted there at the end, so
that load.py can check that nothing was lost and that no answer was a 5xx.
"""

import io
import json
import os
import random
import threading
from collections import Counter
from datetime import timedelta

import urllib3
from locust import HttpUser, between, events, task
from PIL import Image

# load.py serves the portal over TLS with a certificate made for the run, on loopback.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
LEDGER = os.environ["LOAD_LEDGER"]
STATUSES: Counter = Counter()
_lock = threading.Lock()
_ledger = open(LEDGER, "a", encoding="utf-8")  # noqa: SIM115


def record(kind: str, code: str) -> None:
    with _lock:
        _ledger.write(json.dumps({"kind": kind, "code": code}) + "\n")
        _ledger.flush()


@events.request.add_listener
def _count_status(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    STATUSES[getattr(response, "status_code", 0) if response is not None else 0] += 1


@events.quitting.add_listener
def _write_statuses(environment, **kwargs):
    with _lock:
        _ledger.write(json.dumps({"statuses": {str(k): v for k, v in STATUSES.items()}}) + "\n")
        _ledger.flush()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (random.randrange(256), 120, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


def point() -> tuple[float, float]:
    """A point inside one of the district's grid cells (load.py lists some)."""
    lat, lng = random.choice(CONFIG["points"])
    return lat, lng


class Client(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.verify = False


class Person(Client):
    """A logged-in member of staff (session and CSRF, as the browser does)."""

    abstract = True
    accounts: list[str] = []
    home = "/findings/"
    #: Only the findings this person's side answers for (a unit's are not a community's to rectify).
    own_side_only = False

    def on_start(self):
        super().on_start()
        # Logged in this morning (load.py made the session); the first page gives the CSRF cookie.
        self.username = random.choice(self.accounts)
        self.client.cookies.set("sessionid", CONFIG["sessions"][self.username])
        with self.client.get(self.home, name=self.home, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{self.username} is not logged in: {response.status_code}")

    def csrf(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"}

    def pick(self, status: str) -> str | None:
        with self.client.get(
            f"/api/v1/findings/?status={status}", name=f"/api/v1/findings/?status={status}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"list answered {response.status_code}")
                return None
            results = response.json()["results"]
        if self.own_side_only:
            results = [finding for finding in results if finding["responsible_unit"] is None]
        return random.choice(results)["code"] if results else None

    def act(self, code: str, action: str, files=None, data=None) -> None:
        # Two people may act on one finding at once: one wins, the other is told (409).
        with self.client.post(
            f"/api/v1/findings/{code}/{action}/",
            data=data or {},
            files=files,
            headers=self.csrf(),
            name=f"/api/v1/findings/[code]/{action}/",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 409):
                response.success()
            else:
                response.failure(f"{action} answered {response.status_code}: {response.text[:200]}")


class CommunityWorker(Person):
    weight = 20
    accounts = CONFIG["accounts"]["community_worker"]
    own_side_only = True

    @task(4)
    def list_findings(self):
        self.client.get("/findings/", name="/findings/")

    @task(3)
    def open_one(self):
        code = self.pick("dispatched")
        if code:
            self.client.get(f"/findings/{code}/", name="/findings/[code]/")

    @task(2)
    def acknowledge(self):
        code = self.pick("dispatched")
        if code:
            self.act(code, "acknowledge", data={"note": "已签收，马上处理"})

    @task(2)
    def submit(self):
        code = self.pick("rectifying")
        if code:
            photo = ("after.jpg", jpeg(), "image/jpeg")
            self.act(code, "submit", data={"note": "已整改完毕"}, files={"photos": photo})


class StreetStaff(Person):
    weight = 10
    accounts = CONFIG["accounts"]["street_staff"]
    home = "/map/"

    @task(2)
    def battle_map(self):
        self.client.get("/map/", name="/map/")

    @task(3)
    def verify(self):
        code = self.pick("submitted")
        if code:
            self.act(code, "verify", data={"note": "核查通过"})


class Leader(Person):
    weight = 4
    accounts = CONFIG["accounts"]["leader"]
    home = "/dashboard/"

    @task
    def dashboard(self):
        self.client.get("/dashboard/", name="/dashboard/")


class Hotline(Client):
    """The 12345 hotline's system handing over tickets (an API key; no session)."""

    weight = 8

    def on_start(self):
        super().on_start()
        self.headers = {"Authorization": f"Api-Key {CONFIG['hotline_key']}"}

    @task
    def hand_over(self):
        lat, lng = point()
        ticket_no = f"L{os.getpid()}-{id(self)}-{random.getrandbits(48):x}"
        data = {
            "ticket_no": ticket_no,
            "category": random.choice(CONFIG["categories"]),
            "description": "市民来电反映：路边有垃圾堆放",
            "address": "纬二路51号",
            "lat": f"{lat:.6f}",
            "lng": f"{lng:.6f}",
            "reported_at": (_now() - timedelta(minutes=5)).isoformat(),
        }
        with self.client.post(
            "/api/v1/hotline/tickets/", data=data, headers=self.headers, name="hotline: hand over", catch_response=True
        ) as response:
            if response.status_code == 201:
                record("hotline", response.json()["code"])
            else:
                response.failure(f"hotline answered {response.status_code}: {response.text[:200]}")


class Open311Client(Client):
    """A residents' app speaking GeoReport v2, with a key of its own."""

    weight = 8

    def on_start(self):
        super().on_start()
        self.key = random.choice(CONFIG["open311_keys"])
        self.mine: list[str] = []

    @task(1)
    def services(self):
        self.client.get("/open311/v2/services.json", name="open311: services")

    @task(3)
    def file(self):
        lat, lng = point()
        data = {
            "api_key": self.key,
            "service_code": random.choice(CONFIG["plain_categories"]),
            "lat": f"{lat:.6f}",
            "long": f"{lng:.6f}",
            "address_string": "舜耕路12号",
            "description": "随手拍：绿化带内有白色垃圾",
            "email": "resident@example.cn",
        }
        with self.client.post(
            "/open311/v2/requests.json", data=data, name="open311: post request", catch_response=True
        ) as response:
            if response.status_code == 201:
                code = response.json()[0]["service_request_id"]
                record("open311", code)
                self.mine.append(code)
            else:
                response.failure(f"open311 answered {response.status_code}: {response.text[:200]}")

    @task(2)
    def follow(self):
        if self.mine:
            code = random.choice(self.mine)
            self.client.get(f"/open311/v2/requests/{code}.json", name="open311: get request")


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
