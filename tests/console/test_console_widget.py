"""The widget builder: the coordinator chooses options and gets code that works."""

from __future__ import annotations

from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


async def test_the_builder_makes_code_for_the_chosen_options(client):
    await f.footprint("LE", "Leigh")
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    answer = await client.get(
        "/console/widget?programme=dementia-friends&programme=health-champions"
        "&footprint=LE&theme=dark&compact=1",
        headers=HTML,
    )
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.h1 == "Put the numbers on a web page"
    assert page.inputs["programme"] in ("dementia-friends", "health-champions")
    assert (
        'data-programmes="dementia-friends,health-champions" data-footprint="LE" '
        'data-theme="dark" data-compact="1"' in page.text
    )
    preview = (
        "/embed?programmes=dementia-friends%2Chealth-champions&footprint=LE&theme=dark&compact=1"
    )
    assert preview in answer.text.replace("&amp;", "&")
    embedded = await client.get(preview)
    assert embedded.status_code == 200 and "in Leigh" in Page(embedded.text).h1


async def test_a_bad_choice_is_shown_with_its_error(client):
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    answer = await client.get("/console/widget?footprint=ZZ", headers=HTML)
    assert answer.status_code == 400
    assert "There is no area 'ZZ'" in " ".join(Page(answer.text).errors)
