"""A live app under uvicorn on a free loopback port (temp SQLite database and storage) and Debian's
chromium driven by Playwright. The browser has no internet: everything it loads comes from the app."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from api.app import create_app
from intake.settings import StorageSettings
from models.db import DatabaseSettings
from review.users import create_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STARTUP_TIMEOUT_S = 20
PASSWORD = "correct horse battery"
USERS = {"dana": ["deal_desk"], "rita": ["reviewer"], "alex": ["approver"], "bea": ["approver"]}


@dataclass(frozen=True)
class LiveApp:
    app: FastAPI
    url: str
    database_url: str


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[LiveApp]:
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    with app.state.session_factory() as session:
        for username, roles in USERS.items():
            create_user(session, "test", username, roles, password=PASSWORD)
    yield LiveApp(app=app, url=f"http://127.0.0.1:{port}", database_url=database_url)
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


PageFactory = Callable[[], Page]


@pytest.fixture
def new_page(browser: Browser) -> Iterator[PageFactory]:
    """Opens a page in a new browser context: its own cookies, so one signed-in user per page."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, live_app: LiveApp, username: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_app.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(f"header .who:has-text('{username}')")
