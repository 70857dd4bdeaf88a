"""The person's part of an OAuth sign-in, done by following the pages over HTTP as a browser would: GET the
authorization URL, follow redirects, fill and post each page's form (a login form gets the user's name and
password; a consent form is approved), until a redirect reaches the client's `redirect_uri`. No JavaScript runs: every
page must work as plain HTML forms. A form is posted with the `Origin` a browser sends, `null` where the page's
`Referrer-Policy` makes a browser send that (a check of the origin must then pass as it would in a browser).

Cookies persist in one `SignInBrowser`, so a second sign-in with it is a returning person (a provider session, a
remembered consent)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2

MAX_STEPS = 20
REQUEST_TIMEOUT_SECONDS = 30.0
APPROVING_WORDS = re.compile(r"allow|approve|accept|consent|authori[sz]e|continue|yes|sign in|log ?in", re.IGNORECASE)
REFUSING_WORDS = re.compile(r"deny|cancel|refuse|reject|abort|\bno\b", re.IGNORECASE)


class SignInFailed(AssertionError):
    """The pages did not lead to the client's redirect URI: a page with no form, an error page, too many steps."""


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    password_field: str | None = None
    username_field: str | None = None
    buttons: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    """(name, value, text) of each submit button."""


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.title = ""
        self._in_title = False
        self._button: list[str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "form":
            self.forms.append(Form(action=attributes.get("action") or "", method=(attributes.get("method") or "get")))
        elif self.forms and tag == "input":
            self._input(self.forms[-1], attributes)
        elif self.forms and tag == "button" and (attributes.get("type") or "submit") == "submit":
            self._button = [attributes.get("name"), attributes.get("value"), ""]

    def _input(self, form: Form, attributes: dict[str, str | None]) -> None:
        name, kind = attributes.get("name"), (attributes.get("type") or "text").lower()
        if not name:
            return
        if kind == "submit":
            form.buttons.append((name, attributes.get("value"), ""))
        elif kind == "password":
            form.password_field = name
        elif kind in ("text", "email") and form.username_field is None and attributes.get("value") in (None, ""):
            form.username_field = name
        elif kind in ("checkbox", "radio"):
            if "checked" in attributes:
                form.fields[name] = attributes.get("value") or "on"
        else:
            form.fields[name] = attributes.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._button is not None:
            self._button[2] = (self._button[2] or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "button" and self._button is not None and self.forms:
            name, value, text = self._button
            self.forms[-1].buttons.append((name, value, (text or "").strip()))
            self._button = None


def _refuses(value: str | None, text: str) -> bool:
    return bool(REFUSING_WORDS.search(f"{value or ''} {text}"))


def _chosen_form(forms: list[Form]) -> Form | None:
    """A login form if there is one, else the first form with a button that does not refuse (a consent form's
    "Approve", not a separate "Deny" form)."""
    for form in forms:
        if form.password_field:
            return form
    for form in forms:
        if not form.buttons or any(not _refuses(value, text) for _, value, text in form.buttons):
            return form
    return None


def _submission(form: Form, username: str, password: str) -> dict[str, str]:
    data = dict(form.fields)
    if form.password_field:
        data[form.password_field] = password
        if form.username_field:
            data[form.username_field] = username
    named = [(name, value, text) for name, value, text in form.buttons if name]
    approving = [button for button in named if not _refuses(button[1], button[2])]
    preferred = [button for button in approving if APPROVING_WORDS.search(f"{button[1] or ''} {button[2]}")]
    if preferred or approving:
        name, value, _ = (preferred or approving)[0]
        data[name or ""] = value or ""
    return data


def form_origin(page_url: str, action_url: str, referrer_policy: str) -> str:
    """The `Origin` a browser sends with a form that `page_url` posts to `action_url` (Fetch, "serializing a request
    origin"): the page's origin, or `null` where the page's referrer policy withholds it."""
    page, action = urlsplit(page_url), urlsplit(action_url)
    page_origin = f"{page.scheme}://{page.netloc}"
    # The last policy a browser understands wins; an empty header is the default.
    policy = next((each.strip().lower() for each in reversed(referrer_policy.split(",")) if each.strip()), "")
    same_origin = (action.scheme, action.netloc) == (page.scheme, page.netloc)
    downgrade = page.scheme == "https" and action.scheme != "https"
    if policy == "no-referrer" or (policy == "same-origin" and not same_origin):
        return "null"
    if downgrade and policy in ("", "strict-origin", "strict-origin-when-cross-origin", "no-referrer-when-downgrade"):
        return "null"
    return page_origin


@dataclass
class PageSeen:
    url: str
    status: int
    title: str
    text: str


class SignInBrowser:
    """A cookie-keeping HTTP client that does a person's part of a sign-in."""

    def __init__(self, username: str, password: str, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        self.username = username
        self.password = password
        self.transport = transport
        self.pages: list[PageSeen] = []
        self.cookies = httpx2.Cookies()

    async def sign_in(self, authorization_url: str, redirect_uri: str | None = None) -> str:
        """The URL under `redirect_uri` (by default the authorization URL's own `redirect_uri` parameter) that the
        pages finally redirect to, with `code`, `state` and `iss` (or `error`) in its query."""
        async with httpx2.AsyncClient(
            follow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS, cookies=self.cookies, transport=self.transport
        ) as client:
            try:
                return await self._follow(client, authorization_url, redirect_uri)
            finally:
                self.cookies = client.cookies

    async def _follow(self, client: httpx2.AsyncClient, authorization_url: str, redirect_uri: str | None) -> str:
        target = redirect_uri or parse_qs(urlsplit(authorization_url).query)["redirect_uri"][0]
        method, url, data = "GET", authorization_url, None
        origin = "null"
        for _ in range(MAX_STEPS):
            if method == "GET":
                response = await client.get(url, params=data)
            else:
                response = await client.post(url, data=data, headers={"Origin": origin})
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(target):
                    return location
                method, url, data = "GET", location, None
                continue
            parser = _FormParser()
            parser.feed(response.text)
            self.pages.append(PageSeen(str(response.url), response.status_code, parser.title.strip(), response.text))
            form = _chosen_form(parser.forms)
            if response.status_code >= 400 or form is None:
                raise SignInFailed(
                    f"{method} {url} answered {response.status_code} with no way on: {response.text[:1000]}"
                )
            method = form.method.upper()
            url = urljoin(str(response.url), form.action) if form.action else str(response.url)
            data = _submission(form, self.username, self.password)
            origin = form_origin(str(response.url), url, response.headers.get("referrer-policy", ""))
        raise SignInFailed(f"no redirect to {target} within {MAX_STEPS} steps: {self.pages}")
