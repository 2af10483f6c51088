"""Reviewers on the web queue, for locust (benchmarks/review_load.py starts it headless).

Each simulated reviewer signs in through the login form with its own account (BENCH_USERS names the
accounts file: one `username password` per line) and then, with a think time of 1-3 s, opens the queue (the
first page, a later page, a filter), a document's review page, page images, accepts a field and approves
(four-eyes: the second approval of a version by another reviewer approves it). Document ids come from
BENCH_DOCUMENTS (`id pages` per line). A refusal the product gives on purpose (approval blocked by an open
blocker, a field already changed, the version approved meanwhile: 409/422) is an answer, not an error;
5xx, timeouts and connection errors are errors.
"""

import itertools
import os
import random
import re
from pathlib import Path
from typing import Final

from locust import HttpUser, between, task
from locust.clients import ResponseContextManager

ACCOUNTS: Final = [line.split() for line in Path(os.environ["BENCH_USERS"]).read_text().splitlines()]
DOCUMENTS: Final = [
    (parts[0], int(parts[1]))
    for parts in (line.split() for line in Path(os.environ["BENCH_DOCUMENTS"]).read_text().splitlines())
]
QUEUE_PAGES: Final = int(os.environ.get("BENCH_QUEUE_PAGES", "20"))
HIDDEN: Final = re.compile(r'name="(csrf_token|version_id|login_token)" value="([^"]*)"')
REFUSALS: Final = frozenset({409, 422})
_next_account = itertools.count()


def hidden(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


class Reviewer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        username, password = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        form = hidden(self.client.get("/login", name="login form").text)
        answer = self.client.post(
            "/login",
            data={"username": username, "password": password, "login_token": form.get("login_token", "")},
            name="sign in",
            allow_redirects=False,
        )
        if answer.status_code != 303:
            raise RuntimeError(f"{username} could not sign in: {answer.status_code}")

    def _document(self) -> tuple[str, int]:
        return random.choice(DOCUMENTS)  # noqa: S311 - load shape, not security

    @task(3)
    def queue(self) -> None:
        self.client.get("/", name="queue")

    @task(2)
    def queue_later_page(self) -> None:
        self.client.get(f"/?page={random.randint(2, QUEUE_PAGES)}", name="queue page n")  # noqa: S311

    @task(1)
    def queue_filtered(self) -> None:
        self.client.get("/?sla=overdue&status=ready_for_review", name="queue filtered")

    @task(4)
    def document_page(self) -> None:
        document_id, pages = self._document()
        self.client.get(f"/documents/{document_id}", name="document page")
        for page in range(1, min(pages, 2) + 1):  # the first pages are in view; the rest load lazily
            self.client.get(f"/api/documents/{document_id}/pages/{page}.png", name="page image")

    @task(1)
    def accept_field(self) -> None:
        document_id, _ = self._document()
        form = hidden(self.client.get(f"/documents/{document_id}", name="document page").text)
        if "version_id" not in form:
            return
        with self.client.post(
            f"/documents/{document_id}/fields/accept",
            data={
                "csrf_token": form["csrf_token"],
                "version_id": form["version_id"],
                "path": "fields.currency",
            },
            name="field accept",
            catch_response=True,
        ) as answer:
            self._refusal_is_an_answer(answer)

    @task(1)
    def approve(self) -> None:
        document_id, _ = self._document()
        form = hidden(self.client.get(f"/documents/{document_id}", name="document page").text)
        if "version_id" not in form:
            return
        with self.client.post(
            f"/documents/{document_id}/approve",
            data={"csrf_token": form["csrf_token"], "version_id": form["version_id"]},
            name="approve",
            catch_response=True,
        ) as answer:
            self._refusal_is_an_answer(answer)

    @staticmethod
    def _refusal_is_an_answer(answer: ResponseContextManager) -> None:
        if answer.status_code in REFUSALS:
            answer.success()  # type: ignore[no-untyped-call]
