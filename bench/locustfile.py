"""A hub day under load (issue 17): the hub's people at work, for locust.

Started by bench/load.py (`make bench-load`), which prepares the database, the sign-ins and
the production processes, and passes what this file needs in HUB_LOAD_CONFIG (a JSON file):
the accounts of each role with their passwords and authenticator keys, the police and OPCC
API tokens and names to search for. Each simulated person signs in as a person does (the
password, then the code from their authenticator app), then works with a think time:

- VCCs: My work, their cases, a search, a case page, a call recorded, a note added on the
  timeline, a DVNA for an accepted victim, an action added to a recovery plan;
- hub managers: the dashboard, the team page, the case list, a case;
- police staff: the IVNA form in the browser, and the crime system's API;
- OPCC analysts: the flow API, the quarterly and compliance returns.

Each request is named by its page (ids replaced), so the figures are per page and endpoint.
A page that answers 4xx/5xx, or a form that comes back with errors, is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from datetime import date

import forms  # bench/forms.py and bench/bodies.py, beside this file
from bodies import ivna
from forms import CASE_LINK, errors, fill, next_step, totp
from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["HUB_LOAD_CONFIG"]).read())  # noqa: SIM115, PTH123
_counters = {role: itertools.count() for role in CONFIG["accounts"]}
_lock = threading.Lock()
_stamp = str(int(time.time()))
_serial = itertools.count()



class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(4, 16)  # reading the page, typing, a call in between

    def on_start(self):
        with _lock:
            accounts = CONFIG["accounts"][self.role]
            self.account = accounts[next(_counters[self.role]) % len(accounts)]
        self.sign_in()

    def sign_in(self):
        page = self.client.get("/sign-in/", name="sign in")
        _, data = fill(page.text, {"username": self.account["username"],
                                   "password": self.account["password"]})
        answer = self.client.post("/sign-in/", data, name="sign in", allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in refused for {self.account['username']}")
        page = self.client.get("/two-factor/", name="two-factor")
        _, data = fill(page.text, {"token": totp(self.account["totp_key"])})
        answer = self.client.post("/two-factor/", data, name="two-factor",
                                  allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"second factor refused for {self.account['username']}")

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return ""
            return response.text

    def submit(self, path: str, name: str, overrides: dict, *, action_contains: str = "",
               expect: int = 302, expected: tuple[str, ...] = ()) -> bool:
        """Open a form, fill it and send it: a failure unless the hub moves on."""
        html = self.page(path, f"{name} (form)")
        if not html:
            return False
        try:
            action, data = fill(html, overrides, action_contains=action_contains)
        except LookupError:
            return False  # the case moved on (another person acted first): nothing to send
        with self.client.post(action or path, data, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != expect:
                found = errors(response.text)
                if found and all(any(rule in e for rule in expected) for e in found):
                    return False  # the hub refused as its rules say (a person would not try)
                response.failure(f"{response.status_code} {found}")
                return False
        return True

    def mine(self, ids: list[str]) -> list[str]:
        """This simulated person's share of the account's cases (several may share one)."""
        slot, slots = self.account["slot"], self.account["slots"]
        return [i for i in dict.fromkeys(ids) if int(i) % slots == slot]


class Vcc(Staff):
    role = "vcc"
    weight = 24

    def on_start(self):
        super().on_start()
        self.cases: list[str] = []
        self.my_work()

    @task(5)
    def my_work(self):
        html = self.page("/work/", "/work/ (My work)")
        self.cases = self.mine(CASE_LINK.findall(html)) or self.cases

    @task(3)
    def my_cases(self):
        html = self.page("/cases/mine/", "/cases/mine/")
        self.cases = self.cases or self.mine(CASE_LINK.findall(html))

    @task(2)
    def search(self):
        """The header's search from the case list (posted: the term is never in a URL)."""
        html = self.page("/cases/mine/", "/cases/mine/")
        if not html:
            return
        term = random.choice(CONFIG["search_terms"])  # noqa: S311 - load only
        action, data = fill(html, {"q": term})
        with self.client.post(action, data, name="/cases/search/ (a name)",
                              catch_response=True) as response:
            if response.status_code != 200 or errors(response.text):
                response.failure(f"{response.status_code} {errors(response.text)}")

    @task(8)
    def work_a_case(self):
        """Open a case from the list and do what it needs next (bench/forms.next_step);
        half the time only reading it."""
        if not self.cases:
            return
        case = random.choice(self.cases)  # noqa: S311
        html = self.page(f"/cases/{case}/", "/cases/[id]/")
        if not html or random.random() < 0.5:  # noqa: S311
            return
        step = next_step(html, case)
        if step == "call":
            self.submit(f"/cases/{case}/calls/new/", "/cases/[id]/calls/new/",
                        forms.call("no_answer", tuple(CONFIG["calling_hours"])),
                        expected=forms.CALLING_RULES)
        elif step == "dvna":
            self.submit(f"/cases/{case}/dvna/new/", "/cases/[id]/dvna/new/", forms.DVNA)
        elif step == "plan":
            self.submit(f"/cases/{case}/plan/actions/new/", "/cases/[id]/plan/actions/new/",
                        forms.plan_action(date.today()))  # noqa: DTZ011
        else:
            self.submit(f"/cases/{case}/notes/new/", "/cases/[id]/notes/new/", forms.NOTE)

    @task(2)
    def add_note(self):
        if self.cases:
            case = random.choice(self.cases)  # noqa: S311
            self.submit(f"/cases/{case}/notes/new/", "/cases/[id]/notes/new/", forms.NOTE)


class Manager(Staff):
    role = "manager"
    weight = 4

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "/dashboard/")

    @task(3)
    def team(self):
        self.page("/work/team/", "/work/team/")

    @task(2)
    def case_list(self):
        html = self.page("/cases/", "/cases/")
        ids = CASE_LINK.findall(html)
        if ids:
            self.page(f"/cases/{random.choice(ids)}/", "/cases/[id]/")  # noqa: S311


class Police(Staff):
    role = "police"
    weight = 4

    @task(1)
    def ivna_form(self):
        self.submit("/ivnas/new/", "/ivnas/new/", forms.ivna_form(ivna(f"F{_stamp}",
                                                                       next(_serial))))

    @task(1)
    def my_submissions(self):
        self.page("/ivnas/", "/ivnas/")


class CrimeSystem(HttpUser):
    """The force's crime system: IVNAs through the API as officers finish them."""

    weight = 4
    wait_time = between(2, 8)

    @task
    def submit_ivna(self):
        body = ivna(f"A{_stamp}", next(_serial))
        with self.client.post(
            "/api/v1/ivnas/", json=body, name="/api/v1/ivnas/", catch_response=True,
            headers={"Authorization": f"Token {CONFIG['police_token']}"},
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:200]}")


class Opcc(Staff):
    role = "opcc"
    weight = 4

    def token(self) -> dict:
        return {"Authorization": f"Token {CONFIG['opcc_token']}"}

    @task(3)
    def flow(self):
        start, end = CONFIG["flow_period"]
        with self.client.get(f"/api/v1/performance/flow/?from={start}&to={end}",
                             name="/api/v1/performance/flow/", headers=self.token(),
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(1)
    def quarterly_return(self):
        self.page("/performance/", "/performance/")

    @task(1)
    def compliance(self):
        self.page("/performance/compliance/", "/performance/compliance/")

    @task(1)
    def dashboard(self):
        self.page("/dashboard/", "/dashboard/")
