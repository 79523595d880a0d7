"""Documents an outlet posts: sales that add up, shifts, refunds, stock moves and deposits."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from .catalogue import CASH_ROUNDING, DemoProduct, Menu, stock_quantity
from .common import RUPIAH, Body, cents, customer, iso, money, round_to, rupiah

PPN_RATE = Decimal("0.11")
SERVICE_RATE = Decimal("0.05")

# Payment mix of a city café: cash still leads, QRIS and iSellerPay close behind.
_METHODS: list[tuple[str, float]] = [
    ("cash", 34),
    ("qris", 20),
    ("iseller_pay", 14),
    ("e_wallet", 10),
    ("debit_card", 10),
    ("credit_card", 8),
    ("bank_transfer", 4),
]
_E_WALLETS = ["GoPay", "OVO", "DANA", "ShopeePay", "LinkAja"]
_BANKS = ["BCA", "Mandiri", "BNI", "BRI", "CIMB Niaga"]


def day_times(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    count: int,
    opens: time = time(7, 0),
    closes: time = time(21, 45),
) -> list[datetime]:
    """`count` sorted moments of one local day, busier at breakfast, lunch and after work."""
    start = datetime.combine(day, opens, tzinfo=zone)
    span = int((datetime.combine(day, closes, tzinfo=zone) - start).total_seconds())
    moments = [start + timedelta(seconds=_offset(rng, opens, span)) for _ in range(count)]
    return sorted(moments)


# (hour of the day, spread in hours) of the rushes, and the share of sales outside them.
_RUSHES = [(8.0, 0.75), (12.5, 0.75), (17.5, 1.25)]
_QUIET_SHARE = 0.4


def _offset(rng: random.Random, opens: time, span: int) -> int:
    if rng.random() < _QUIET_SHARE:
        return rng.randrange(span + 1)
    hour, spread = rng.choice(_RUSHES)
    # Redraw a rush sale that would fall outside opening hours rather than pile it on the edge.
    for _ in range(10):
        offset = int((rng.gauss(hour, spread) - opens.hour - opens.minute / 60) * 3600)
        if 0 <= offset <= span:
            return offset
    return rng.randrange(span + 1)


def _quantity(rng: random.Random, product: DemoProduct) -> Decimal:
    if product.unit == "KG":
        return rng.choice([Decimal("0.25"), Decimal("0.5"), Decimal("1")])
    return Decimal(rng.choices([1, 2, 3], [75, 18, 7])[0])


def _line(rng: random.Random, product: DemoProduct) -> Body:
    quantity = _quantity(rng, product)
    gross = quantity * product.price
    discount = Decimal(0)
    if rng.random() < 0.08:  # a line promo now and then: 10% off, rounded down to 100 rupiah
        discount = (gross / 1000).to_integral_value(rounding=ROUND_FLOOR) * 100
    note = ""
    if product.unit == "CUP" and rng.random() < 0.12:
        note = rng.choice(["Gula sedikit", "Tanpa es", "Extra shot", "Ganti susu oat", "Less ice"])
    return {
        "product": product.pos_id,
        "quantity": money(quantity),
        "unit_price": money(product.price),
        "discount": money(discount),
        "note": note,
    }


def _reference(rng: random.Random, method: str) -> str:
    bank = rng.choice(_BANKS)
    return {
        "cash": "",
        "qris": f"QRIS{rng.randrange(10**11, 10**12)}",
        "iseller_pay": f"ISP-{rng.getrandbits(48):012X}",
        "e_wallet": f"{rng.choice(_E_WALLETS)} {rng.randrange(10**9, 10**10)}",
        "debit_card": f"{bank} APPR {rng.randrange(10**5, 10**6)}",
        "credit_card": f"{bank} APPR {rng.randrange(10**5, 10**6)}",
        "bank_transfer": f"TRF {bank} {rng.randrange(10**7, 10**8)}",
    }[method]


def _payment(rng: random.Random, method: str, amount: Decimal) -> Body:
    return {"method": method, "amount": money(amount), "reference": _reference(rng, method)}


def _payments(rng: random.Random, due: Decimal, split: bool | None) -> tuple[Decimal, list[Body]]:
    """(rounding, payments) for an amount due. Cash alone is rounded to 100; a split is exact."""
    methods, weights = zip(*_METHODS, strict=True)
    if split is None:
        split = due >= 20000 and rng.random() < 0.1
    if split:
        first = rng.choice(["cash", "e_wallet", "iseller_pay"])
        second = rng.choice([m for m in methods if m != first and m != "cash"])
        # The first method pays a round share, the second the exact rest.
        share = round_to(due * Decimal(rng.randrange(30, 71)) / 100, Decimal(1000))
        part = min(max(share, RUPIAH), due - 1)
        return Decimal(0), [_payment(rng, first, part), _payment(rng, second, due - part)]
    [method] = rng.choices(methods, weights)
    rounding = round_to(due, CASH_ROUNDING) - due if method == "cash" else Decimal(0)
    return rounding, [_payment(rng, method, due + rounding)]


def order_body(
    rng: random.Random,
    menu: Menu,
    *,
    number: str,
    ordered_at: datetime,
    shift: str | None = None,
    line_count: int | None = None,
    split: bool | None = None,
) -> Body:
    """A completed sale that adds up. `line_count`/`split` fix its shape (None: the usual mix)."""
    count = line_count or rng.choices([1, 2, 3, 4], [40, 32, 18, 10])[0]
    products = menu.pick(rng, count)
    lines = [_line(rng, product) for product in products]
    amounts = [
        cents(Decimal(x["quantity"]) * Decimal(x["unit_price"]) - Decimal(x["discount"])) for x in lines
    ]
    subtotal = sum(amounts, Decimal(0))
    taxed = sum((a for a, p in zip(amounts, products, strict=True) if p.taxable), Decimal(0))
    member = rng.random() < 0.3
    order_discount = round_to(subtotal / 20, CASH_ROUNDING) if member and rng.random() < 0.3 else Decimal(0)
    base = subtotal - order_discount
    dine_in = rng.random() < 0.45
    service = rupiah(base * SERVICE_RATE) if dine_in and rng.random() < 0.5 else Decimal(0)
    tax_mode = rng.choices(["exclusive", "inclusive", "none"], [45, 15, 40])[0]
    tax = ppn(taxed, subtotal, order_discount, tax_mode)
    due = base + service + (tax if tax_mode == "exclusive" else Decimal(0))
    rounding, payments = _payments(rng, due, split)
    return {
        "number": number,
        "status": "completed",
        "ordered_at": iso(ordered_at),
        "shift": shift,
        "customer": customer(rng.randrange(1, 400)) if member else None,
        "tax_inclusive": tax_mode == "inclusive",
        "order_discount": money(order_discount),
        "tax": money(tax),
        "service_charge": money(service),
        "rounding": money(rounding),
        "total": money(due + rounding),
        "note": f"Makan di tempat, meja {rng.randrange(1, 21)}" if dine_in else "Bawa pulang",
        "lines": lines,
        "payments": payments,
    }


def ppn(taxed: Decimal, subtotal: Decimal, order_discount: Decimal, tax_mode: str) -> Decimal:
    """PPN as the POS charges it, to the rupiah: on the taxable lines only (basic necessities are
    exempt), less their share of the order discount; added on top, or included in the prices."""
    if tax_mode == "none" or not taxed:
        return Decimal(0)
    base = taxed - order_discount * taxed / subtotal
    if tax_mode == "exclusive":
        return rupiah(base * PPN_RATE)
    return rupiah(base * PPN_RATE / (1 + PPN_RATE))


def cash_paid(order: Body) -> Decimal:
    """The cash an order put in the drawer."""
    return sum((Decimal(p["amount"]) for p in order["payments"] if p["method"] == "cash"), Decimal(0))


def shift_open_body(*, number: str, cashier: str, opened_at: datetime, opening_float: Decimal) -> Body:
    return {
        "number": number,
        "cashier": cashier,
        "opened_at": iso(opened_at),
        "opening_float": money(opening_float),
    }


def shift_close_body(*, closed_at: datetime, closing_cash: Decimal) -> Body:
    return {"closed_at": iso(closed_at), "closing_cash": money(closing_cash)}


def refund_body(rng: random.Random, *, number: str, order: Body, refunded_at: datetime) -> Body:
    """One item of `order` brought back (one piece, or the whole weighed quantity)."""
    line = rng.choice(order["lines"])
    quantity = Decimal(line["quantity"])
    # A unit is refunded at what it sold for after its line discount, never at the list price.
    sold = cents(Decimal(line["quantity"]) * Decimal(line["unit_price"]) - Decimal(line.get("discount", "0")))
    unit_price = cents(sold / Decimal(line["quantity"]))
    if quantity > 1 and quantity == quantity.to_integral_value():
        quantity = Decimal(1)
    return {
        "number": number,
        "order": order["number"],
        "refunded_at": iso(refunded_at),
        "reason": rng.choice(["Salah pesanan", "Produk rusak", "Pelanggan batal", "Minuman tumpah"]),
        "refund_method": order["payments"][0]["method"],
        "total": money(cents(quantity * unit_price)),
        "lines": [{"product": line["product"], "quantity": money(quantity), "unit_price": money(unit_price)}],
    }


def _moved_quantity(rng: random.Random, product: DemoProduct, low: int, high: int) -> Decimal:
    if product.unit == "KG":
        return Decimal(rng.randrange(low, high + 1)) / 2
    return Decimal(rng.randrange(low, high + 1))


def transfer_body(rng: random.Random, menu: Menu, *, number: str, to_outlet: str, sent_at: datetime) -> Body:
    products = rng.sample(menu.stocked, rng.randrange(2, 6))
    return {
        "number": number,
        "to_outlet": to_outlet,
        "sent_at": iso(sent_at),
        "received_at": None,
        "note": rng.choice(["Kirim stok mingguan", "Permintaan outlet", "Stok kurang untuk promo"]),
        "lines": [{"product": p.pos_id, "quantity": money(_moved_quantity(rng, p, 4, 30))} for p in products],
    }


def adjustment_body(
    rng: random.Random, menu: Menu, *, number: str, adjusted_at: datetime, stock_in: bool
) -> Body:
    """Stock out (damaged, expired, samples) or a count correction that also adds some back."""
    products = rng.sample(menu.stocked, rng.randrange(2, 5))
    lines = []
    for index, product in enumerate(products):
        quantity = _moved_quantity(rng, product, 1, 4)
        into = stock_in and index % 2 == 0
        lines.append(
            {
                "product": product.pos_id,
                "quantity": money(quantity if into else -quantity),
                "unit_cost": money(product.cost),
                "note": "Selisih hitung" if into else rng.choice(["Rusak", "Kedaluwarsa", "Sampel"]),
            }
        )
    reason = "Koreksi stok setelah cek gudang" if stock_in else "Barang rusak dan kedaluwarsa"
    return {"number": number, "adjusted_at": iso(adjusted_at), "reason": reason, "lines": lines}


def stock_take_body(
    rng: random.Random, menu: Menu, *, number: str, counted_at: datetime, count: int = 25
) -> Body:
    products = rng.sample(menu.stocked, min(count, len(menu.stocked)))
    return {
        "number": number,
        "counted_at": iso(counted_at),
        "note": "Stock opname akhir minggu",
        "lines": [{"product": p.pos_id, "counted_quantity": money(stock_quantity(rng, p))} for p in products],
    }


def deposit_body(rng: random.Random, *, number: str, kind: str, received_at: datetime) -> Body:
    """A customer's down payment (by transfer or QRIS), or cash put into the drawer."""
    if kind == "customer_deposit":
        amount, method = Decimal(rng.randrange(10, 61) * 50_000), rng.choice(["bank_transfer", "qris"])
        name = customer(rng.randrange(1, 400))["name"]
        note = f"DP pesanan catering {rng.randrange(2, 11) * 10} box"
    else:
        amount, method, name = Decimal(rng.randrange(4, 21) * 50_000), "cash", ""
        note = "Tambahan modal uang kembalian"
    return {
        "number": number,
        "kind": kind,
        "received_at": iso(received_at),
        "amount": money(amount),
        "payment_method": method,
        "customer_name": name,
        "note": note,
    }
