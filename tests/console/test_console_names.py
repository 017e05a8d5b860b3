"""Names of places and templates in Chromium: the map, the new-mission form and the templates
page show them in the chosen language, and switching language redraws them."""

from __future__ import annotations

from collections.abc import Callable

from tests.console.browser import ACCOUNTS, Console, playwright_api

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]


def test_places_and_templates_are_named_in_the_chosen_language(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "map")
    page = console.page
    site_map = page.locator("svg.site-map")
    node = page.locator('svg.site-map text.node-label[data-node="street-s1"]')
    zone = page.locator('svg.site-map text.zone-label[data-zone="longcheng-square"]')
    expect(site_map).to_have_attribute("aria-label", "龙岗区示范场景 地图")
    expect(node).to_have_text("龙福路 公交站")
    expect(zone).to_have_text("龙城广场")
    expect(page.locator('svg.site-map g.node[data-node="street-s1"] title')).to_have_text(
        "龙福路 公交站 (street-s1)"
    )

    page.click("[data-action=language]")
    expect(site_map).to_have_attribute("aria-label", "Map of Longgang demo site")
    expect(node).to_have_text("Longfu Rd bus stop")
    expect(zone).to_have_text("Longcheng Square")
    # A node without a name of its own shows its id in either language.
    expect(page.locator('svg.site-map text.node-label[data-node="uc-a2"]')).to_have_text("uc-a2")
    console.screenshot("names-map-english")

    console.go("templates")
    sweep = page.locator('.templates-table tr[data-template="clean-longcheng-square"]')
    expect(sweep).to_contain_text("Longcheng Square sweep")
    expect(sweep).to_contain_text("Sweep the whole square in 1 m lanes.")
    names = page.locator(".templates-table tbody tr td:first-child")
    expect(names).to_have_text(
        [
            "Longcheng Square sweep",
            "Universiade Centre forecourt scrub",
            "Deliver a licence to the post window",
            "Guide to the robot-voucher desk",
            "Market street patrol (Chinese and English)",
            "Longcheng Square street patrol (Chinese announcements)",
        ]
    )
    console.screenshot("names-templates-english")

    console.go("missions/new")
    added = page.locator("select[name=node] option[value=street-s1]")
    expect(added).to_have_text("Longfu Rd bus stop (street-s1)")
    page.click("button[role=tab][data-mode=template]")
    picker = page.locator("select[name=template]")
    expect(picker.locator("option[value=clean-longcheng-square]")).to_have_text(
        "Longcheng Square sweep · Cleaning"
    )

    page.click("[data-action=language]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    console.go("templates")
    expect(sweep).to_contain_text("龙城广场清扫")
    expect(sweep).to_contain_text("以 1 米行距清扫整个广场。")
    expect(names.first).to_have_text("龙城广场清扫")
    console.go("map")
    expect(node).to_have_text("龙福路 公交站")
    expect(zone).to_have_text("龙城广场")


def test_a_template_is_named_in_both_languages_in_its_form(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "templates/new")
    page = console.page
    form = page.locator("form.template-form")
    form.locator("input[name=id]").fill("square-sweep")
    form.locator("select[name=kind]").select_option("clean")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field='names.zh'] .field-error")).to_have_text(
        "请至少填写一种语言的名称。"
    )
    form.locator("input[name=name_en]").fill("Square sweep")
    form.locator("textarea[name=description_zh]").fill("清扫广场。")
    form.locator("button[type=submit]").click()
    title = page.locator(".template-detail h1")
    # Chinese console, no Chinese name: the English one.
    expect(title).to_have_text("Square sweep")
    edit = page.locator("form.template-form")
    edit.locator("input[name=name_zh]").fill("广场清扫")
    edit.locator("button[type=submit]").click()
    expect(title).to_have_text("广场清扫")
    expect(page.locator(".template-detail .facts")).to_contain_text("清扫广场。")
    page.click("[data-action=language]")
    expect(title).to_have_text("Square sweep")
    # No English description: the Chinese one.
    expect(page.locator(".template-detail .facts")).to_contain_text("清扫广场。")
