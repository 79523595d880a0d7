"""The owner's walk through steps 1 to 3 of the help article (test_article_browser.py): the add-on,
the connection, the outlet mapping and the product mapping, each asserting what the page says."""

from __future__ import annotations

import re

import openpyxl

from tests.e2e.article_support import Browser, Demo, rupiah
from tests.sandbox_fixture import EMAIL, PASSWORD

PUSH_MS = 90_000
MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d"  # a time as the pages write it, on the store's clock
EXPORT_HEADERS = [
    "Kode Barang", "Nama Barang", "Jenis Barang", "Kategori Barang", "Satuan", "Harga Jual",
    "UPC/Barcode", "No. Seri",
]  # fmt: skip
# What the mapping page pre-fills from the sandbox's chart of accounts.
PREFILLED = {
    "payment_cash": "1101", "payment_debit_card": "1102", "payment_qris": "1102",
    "payment_iseller_pay": "1103", "mdr_account_no": "6101", "payout_account_no": "1102",
    "sales_discount_account_no": "4103", "tax_account_no": "2103",
    "service_charge_account_no": "4102", "rounding_account_no": "6102",
    "adjustment_account_no": "5101", "deposit_account_no": "2104", "refund_account_no": "1201",
}  # fmt: skip


def add_on(browser: Browser, w: dict[str, str], demo: Demo) -> None:
    """Apps → All apps → Activate: the add-on page, its five panels in the article's order."""
    page = browser.page
    page.click(f".mainnav summary:has-text('{w['apps']}')")
    browser.press(f".mainnav a:has-text('{w['all_apps']}')")
    assert browser.text("main h1") == w["apps"]
    browser.step("apps")
    browser.press(f"[data-testid=app-accurate] button:has-text('{w['activate']}')")
    assert page.url == browser.base + "/apps/accurate/"
    panels = [browser.squash(h) for h in page.locator("section.panel h2").all_inner_texts()]
    assert panels == w["panels"].split("|")
    assert browser.text("[data-testid=panel-outlets] p") == w["map_first"]
    assert browser.text("[data-testid=count-no-sku]") == "4"
    browser.step("addon-activated")


def connect(browser: Browser, w: dict[str, str]) -> None:
    """1 Connection: Connect, the sandbox's sign-in and consent, the database."""
    page = browser.page
    browser.press(f"button:has-text('{w['connect']}')")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    browser.step("sandbox-sign-in")
    browser.press("button:has-text('Login')")
    browser.step("sandbox-consent")
    browser.press("button:has-text('Give Access')")
    assert page.url == browser.base + "/apps/accurate/"
    picker = page.locator("[data-testid=database-picker]")
    databases = [browser.squash(t) for t in picker.locator("label.choice").all_inner_texts()]
    assert databases == w["databases"].split("|")
    browser.step("database-picker")
    picker.get_by_label("Kopi Nusantara", exact=True).check()
    browser.press(f"[data-testid=database-picker] button:has-text('{w['use_database']}')")
    assert browser.text(".messages") == w["connected"]
    assert browser.text("[data-testid=connected-as]").startswith(w["connected_as"])
    states = page.locator("[data-testid=outlet-mappings] td.state").all_inner_texts()
    assert [browser.squash(s) for s in states] == [w["not_integrated"]] * 3
    browser.step("connected")


def map_jakarta(browser: Browser, w: dict[str, str], demo: Demo) -> None:
    """2 Outlet mapping, JKT01: accounts pre-filled, saved, its latest documents previewed, activated."""
    page = browser.page
    name = demo.outlets["JKT01"][1]
    browser.press(f"[data-outlet=JKT01] a:has-text('{w['map']}')")
    assert browser.text("main h1") == f"{name} JKT01"
    assert {field: page.input_value(f"#id_{field}") for field in PREFILLED} == PREFILLED
    assert browser.text("[data-testid=preview-unsaved]") == w["preview_unsaved"]
    page.select_option("#id_branch_name", "Pusat")
    page.select_option("#id_warehouse_name", "Gudang Utama")
    browser.press(f"button[value=save]:has-text('{w['save']}')")
    assert browser.text(".messages") == w["mapping_saved"].format(outlet=name)
    assert browser.text("[data-testid=preview] h2") == w["preview"]
    latest = sorted(demo.sales["JKT01"], reverse=True)[:3]
    sales = page.locator("[data-testid=preview-row][data-kind=order]")
    assert sales.evaluate_all("rows => rows.map(r => r.dataset.pos)") == latest
    for number, row in zip(latest, sales.all(), strict=True):
        invoice = row.locator(f"[data-testid=preview-document][data-number='JKT01-{number}']")
        total = invoice.locator("[data-testid=preview-totals] tr").last.locator("td").inner_text()
        assert total == rupiah(demo.sales["JKT01"][number]), number
    refund = page.locator("[data-testid=preview-row][data-kind=refund]")
    assert refund.get_attribute("data-pos") == demo.refunds["JKT01"][0]
    browser.step("jkt01-preview")
    browser.press(f"button[value=activate]:has-text('{w['save_activate']}')")
    assert page.url == browser.base + "/apps/accurate/"
    assert browser.text(".messages") == w["outlet_active"].format(outlet=name)
    assert browser.text("[data-outlet=JKT01] td.state") == f"✓ {w['active']}"
    browser.step("jkt01-active")


def map_bandung(browser: Browser, w: dict[str, str], demo: Demo) -> None:
    """2 Outlet mapping, BDG01 into a branch and warehouse created from the page: the fee of a second
    outlet is asked for, neutrally, then confirmed."""
    page = browser.page
    name = demo.outlets["BDG01"][1]
    browser.press(f"[data-outlet=BDG01] a:has-text('{w['map']}')")
    page.fill("#id_new_branch", "Cabang Bandung")
    page.fill("#id_new_warehouse", "Gudang Bandung")
    assert browser.text("[data-testid=fee]") == w["fee"]
    browser.press(f"button[value=activate]:has-text('{w['save_activate']}')")
    fee = page.locator("[data-testid=fee]")
    assert browser.text("[data-testid=fee-ask]") == w["fee_ask"]
    assert (fee.get_attribute("class"), fee.locator(".error").count()) == ("warning fee", 0)
    browser.step("bdg01-fee-asked")
    page.check("#id_confirm_fee")
    browser.press(f"button[value=activate]:has-text('{w['save_activate']}')")
    assert page.url == browser.base + "/apps/accurate/"
    assert browser.text(".messages") == w["outlet_active"].format(outlet=name)
    places = [
        page.locator(f"[data-outlet={code}] td").all_inner_texts()[2:5]
        for code in ("BDG01", "DPS01", "JKT01")
    ]
    assert [[browser.squash(cell) for cell in row] for row in places] == [
        ["Cabang Bandung", "Gudang Bandung", f"✓ {w['active']}"],
        ["—", "—", w["not_integrated"]],
        ["Pusat", "Gudang Utama", f"✓ {w['active']}"],
    ]
    assert browser.text("[data-testid=monthly-fee]") == "Rp 99.000"
    browser.step("outlets-active")


def sku_problems_fixed(browser: Browser, w: dict[str, str]) -> list[str]:
    """3 Product mapping: the counts, Export and Push off with the reason; on the details page every
    product without a SKU gets one and the first of two sharing one keeps it. Returns the new SKUs."""
    page = browser.page
    counts = [browser.text(f"[data-testid=count-{name}]") for name in ("no-sku", "duplicate", "too-long")]
    assert counts == ["4", "2", "0"]
    assert browser.text("[data-testid=sku-blocked]") == w["sku_blocked"]
    assert page.locator("[data-testid=export-button]").is_disabled()
    assert page.locator("[data-testid=push-products-blocked]").is_disabled()
    assert browser.text("[data-testid=export-blocked]") == w["off_until"]
    assert browser.text("#push-blocked") == w["off_until"]
    browser.step("products-blocked")
    browser.press(f"[data-testid=sku-blocked] a:has-text('{w['show_details']}')")
    assert browser.text("main h1") == w["problems_title"]
    assert [browser.text(f"[data-testid=group-{g}] h2 .badge") for g in ("no_sku", "duplicate")] == ["4", "2"]
    browser.step("sku-problems")
    new_skus = []
    for pos in page.locator("[data-testid=group-no_sku] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.posId)"
    ):
        row = f"[data-testid=group-no_sku] tr[data-pos-id='{pos}']"
        name = page.locator(row).locator("td").nth(1).inner_text()
        page.fill(f"{row} input[name=sku]", f"FIX-{pos}")
        browser.press(f"{row} button:has-text('{w['save_sku']}')")
        said = page.locator(".messages li").all_inner_texts()
        assert said == [w["sku_given"].format(name=name, pos=pos, new=f"FIX-{pos}"), w["sku_in_pos"]]
        new_skus.append(f"FIX-{pos}")
    sharing = page.locator("[data-testid=group-duplicate] tbody tr")
    kept, other = sharing.evaluate_all(
        "rows => rows.map(r => [r.dataset.posId, r.cells[0].innerText, r.cells[1].innerText])"
    )
    assert kept[1] == other[1], "the two share one SKU"
    browser.press(
        f"[data-testid=group-duplicate] tr[data-pos-id='{kept[0]}'] button:has-text('{w['keep_sku']}')"
    )
    said = page.locator(".messages li").all_inner_texts()
    changed = w["sku_changed"].format(name=other[2], pos=other[0], old=other[1], new=f"{other[1]}-2")
    assert said == [changed, w["sku_in_pos"]]
    assert browser.text("[data-testid=no-problems]") == w["no_problems"]
    browser.step("sku-fixed")
    return [*new_skus, f"{other[1]}-2"]


def products_exported_and_pushed(
    browser: Browser, w: dict[str, str], demo: Demo, new_skus: list[str]
) -> None:
    """3 Product mapping, clean: the Excel export for Accurate's import, then Push products until done."""
    page = browser.page
    browser.press("main > p > a:has-text('Accurate Online')")
    counts = [browser.text(f"[data-testid=count-{name}]") for name in ("no-sku", "duplicate", "too-long")]
    assert (counts, browser.text("[data-testid=sku-clean]")) == (["0", "0", "0"], w["sku_clean"])
    assert page.locator("[data-testid=export-button]").is_enabled()
    exported = browser.download("[data-testid=export-button]")
    assert re.fullmatch(r"accurate-barang-demo-[\w-]+\.xlsx", exported.name), exported.name
    workbook = openpyxl.load_workbook(exported, read_only=True)
    rows = [list(row) for row in workbook["Barang dan Jasa"].iter_rows(values_only=True)]
    assert rows[0] == EXPORT_HEADERS
    assert len(rows) - 1 == demo.products
    codes = [row[0] for row in rows[1:]]
    assert len(set(codes)) == demo.products and set(new_skus) <= set(codes)
    page.reload()
    last_export = re.escape(w["last_export"].format(at="AT", count=demo.products)).replace("AT", MINUTE)
    assert re.fullmatch(last_export, browser.text("[data-testid=last-export]"))
    browser.step("products-clean-exported")
    browser.press(f"[data-testid=push-products] a:has-text('{w['push_products']}')")
    assert browser.text("main h1") == w["push_title"]
    browser.press("[data-testid=push-start]")
    assert browser.text(".messages") == w["pushing"].format(count=demo.products)
    progress = page.locator("[data-testid=push-progress]")
    progress.locator("[data-field=status]", has_text=w["push_done"]).wait_for(timeout=PUSH_MS)
    fields = ("batches_done", "batches_total", "created", "existing", "failed")
    shown = {name: progress.locator(f"[data-field={name}]").inner_text() for name in fields}
    batches = str(-(-demo.products // 100))
    assert shown == dict(zip(fields, (batches, batches, str(demo.products), "0", "0"), strict=True))
    browser.step("products-pushed")
