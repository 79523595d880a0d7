"""The menu of a coffee and retail shop: about 200 products, with stock per outlet."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .common import Body, money, round_to

PRODUCT_COUNT = 200
PRODUCTS_WITHOUT_SKU = 4
CASH_ROUNDING = Decimal("100")

# Drinks come hot or iced, regular or large; each is a product of its own, as at the POS.
_DRINKS: list[tuple[str, list[str]]] = [
    ("Kopi", [
        "Espresso", "Americano", "Cappuccino", "Caffe Latte", "Flat White", "Mocha",
        "Caramel Macchiato", "Kopi Susu Gula Aren", "Kopi Pandan Latte", "Vietnam Drip",
        "Kopi Tubruk", "Kopi Rempah",
    ]),
    ("Non-Kopi", [
        "Matcha Latte", "Coklat Susu", "Teh Tarik", "Red Velvet Latte", "Taro Latte", "Lemon Tea",
        "Teh Leci", "Wedang Jahe Susu", "Susu Jahe Merah", "Teh Tarik Pandan", "Teh Manis",
        "Sereh Lemon",
    ]),
]  # fmt: skip
# (category, unit, item type, price range in thousands of rupiah, names).
_GOODS: list[tuple[str, str, str, tuple[int, int], list[str]]] = [
    ("Makanan", "PCS", "non_inventory", (18, 48), [
        "Nasi Goreng Kampung", "Mie Goreng Jawa", "Nasi Ayam Geprek", "Nasi Uduk Komplit",
        "Soto Ayam Lamongan", "Nasi Rendang", "Sate Ayam Madura", "Gado-Gado",
        "Roti Bakar Coklat Keju", "Pisang Goreng Madu", "Kentang Goreng", "Sandwich Tuna",
        "Tahu Crispy", "Cireng Rujak", "Bakwan Jagung", "Singkong Goreng Keju",
        "Indomie Goreng Telur", "Nasi Goreng Teri", "Mie Ayam Bakso", "Lumpia Semarang",
        "Nasi Campur Bali", "Ayam Betutu", "Pempek Kapal Selam", "Martabak Telur",
        "Otak-Otak Bakar", "Risoles Mayo",
    ]),
    ("Roti & Pastry", "PCS", "inventory", (12, 35), [
        "Croissant Mentega", "Pain au Chocolat", "Donat Gula", "Bolu Pandan",
        "Lapis Legit (potong)", "Banana Bread", "Cinnamon Roll", "Muffin Blueberry",
        "Cookies Coklat", "Brownies Panggang", "Klepon (isi 5)", "Kue Lumpur", "Roti Sobek Keju",
        "Bika Ambon (potong)", "Nastar (toples)", "Kastengel (toples)",
    ]),
    ("Minuman Kemasan", "PCS", "inventory", (5, 45), [
        "Air Mineral 600 ml", "Air Mineral 1500 ml", "Teh Botol Sosro 450 ml",
        "Cold Brew Botol 250 ml", "Kopi Susu Botol 1 L", "Susu UHT Full Cream 1 L",
        "Jus Jeruk 250 ml", "Soda Lemon 330 ml", "Kombucha 330 ml", "Air Kelapa 330 ml",
        "Teh Hijau Botol 500 ml", "Susu Oat 1 L",
    ]),
    ("Merchandise", "PCS", "inventory", (45, 650), [
        "Tumbler Stainless 500 ml", "Mug Keramik Nusantara", "Totebag Kanvas",
        "Dripper V60 Keramik", "Kertas Filter V60 (100 lbr)", "French Press 350 ml",
        "Moka Pot 3 Cup", "Grinder Kopi Manual", "Kaos Kopi Nusantara", "Server Kaca 600 ml",
        "Timbangan Kopi Digital", "Ketel Leher Angsa 1 L", "Aeropress", "Gelas Kaca Double Wall",
        "Topi Kopi Nusantara", "Gantungan Kunci Biji Kopi",
    ]),
    ("Bahan & Sembako", "PCS", "inventory", (12, 95), [
        "Gula Aren Cair 250 ml", "Sirup Vanila 750 ml", "Sirup Karamel 750 ml",
        "Sirup Hazelnut 750 ml", "Bubuk Coklat 500 g", "Bubuk Matcha 100 g",
        "Susu Kental Manis 370 g", "Krimer Nabati 1 kg", "Gula Pasir Kemasan 1 kg",
        "Teh Melati Tubruk 250 g", "Madu Hutan 250 ml", "Jahe Merah Instan",
        "Kopi Sachet 3in1 (10 pcs)", "Rempah Wedang Uwuh", "Selai Srikaya 250 g",
        "Gula Semut 500 g",
    ]),
    ("Biji Kopi", "KG", "inventory", (160, 480), [
        f"{form} {origin}"
        for origin in [
            "Arabika Gayo", "Arabika Toraja Sapan", "Arabika Kintamani", "Arabika Flores Bajawa",
            "Arabika Java Preanger", "Arabika Mandailing", "Arabika Wamena",
            "Robusta Temanggung", "Robusta Lampung", "Liberika Jambi",
        ]
        for form in ("Biji Kopi", "Kopi Bubuk")
    ]),
    ("Layanan", "PCS", "service", (5, 25), [
        "Jasa Giling Kopi", "Biaya Antar", "Kelas Manual Brew", "Sewa Ruang Meeting",
    ]),
]  # fmt: skip
_CATEGORY_WEIGHT = {
    "Kopi": 8.0,
    "Non-Kopi": 4.0,
    "Makanan": 4.0,
    "Roti & Pastry": 3.0,
    "Minuman Kemasan": 2.0,
    "Bahan & Sembako": 0.6,
    "Biji Kopi": 0.8,
    "Merchandise": 0.3,
    "Layanan": 0.2,
}
# Basic necessities (sugar, tea, honey…) are exempt from PPN; everything else on the menu bears it.
UNTAXED_CATEGORIES = frozenset({"Bahan & Sembako"})
_SKU_PREFIX = {
    "Kopi": "KOP",
    "Non-Kopi": "NKP",
    "Makanan": "MKN",
    "Roti & Pastry": "RTP",
    "Minuman Kemasan": "MNK",
    "Bahan & Sembako": "BHN",
    "Biji Kopi": "BJK",
    "Merchandise": "MRC",
    "Layanan": "LYN",
}


@dataclass(frozen=True)
class DemoProduct:
    pos_id: str
    sku: str
    name: str
    barcode: str
    unit: str
    price: Decimal
    cost: Decimal
    item_type: str
    category: str
    taxable: bool = True  # PPN applies to its sales

    @property
    def weight(self) -> float:
        # A store's own categories (not the demo menu's) sell evenly.
        return _CATEGORY_WEIGHT.get(self.category, 1.0)

    @property
    def stocked(self) -> bool:
        return self.item_type == "inventory"


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    # Menu prices end in 500 or 000, as on any Indonesian price list.
    return Decimal(rng.randrange(low * 2, high * 2 + 1) * 500)


def _raw_products(rng: random.Random) -> list[tuple[str, str, str, Decimal, str]]:
    """(name, category, unit, price, item type) for every product the menu could have."""
    raw: list[tuple[str, str, str, Decimal, str]] = []
    for category, names in _DRINKS:
        for name in names:
            base = _price(rng, 18, 38)
            for temp in ("Panas", "Dingin"):
                for size, extra in (("Reguler", Decimal(0)), ("Besar", Decimal(6000))):
                    label = f"{name} {temp} {size}"
                    raw.append((label, category, "CUP", base + extra, "non_inventory"))
    for category, unit, item_type, (low, high), names in _GOODS:
        raw.extend((name, category, unit, _price(rng, low, high), item_type) for name in names)
    return raw


def catalogue(rng: random.Random, count: int = PRODUCT_COUNT) -> list[DemoProduct]:
    """`count` products: exactly PRODUCTS_WITHOUT_SKU have no SKU and exactly one SKU is on two.

    Both flaws are on purpose: the product checks of the add-on must find them.
    """
    raw = _raw_products(rng)
    if count > len(raw):
        raise ValueError(f"The demo menu has {len(raw)} products; asked for {count}.")
    chosen = sorted(rng.sample(range(len(raw)), count))
    products: list[DemoProduct] = []
    for seq, index in enumerate(chosen, start=1):
        name, category, unit, price, item_type = raw[index]
        packaged = category in ("Minuman Kemasan", "Bahan & Sembako", "Merchandise")
        products.append(
            DemoProduct(
                pos_id=f"PRD-{seq:04d}",
                sku=f"{_SKU_PREFIX[category]}-{seq:04d}",
                name=name,
                # 899 is Indonesia's GS1 prefix: packaged goods carry a maker's barcode.
                barcode=f"899{rng.randrange(10**9, 10**10)}" if packaged else "",
                unit=unit,
                price=price,
                cost=round_to(price * Decimal(rng.randrange(30, 61)) / 100, CASH_ROUNDING),
                item_type=item_type,
                category=category,
                taxable=category not in UNTAXED_CATEGORIES,
            )
        )
    return _with_sku_flaws(rng, products)


def _with_sku_flaws(rng: random.Random, products: list[DemoProduct]) -> list[DemoProduct]:
    picked = rng.sample(range(len(products)), PRODUCTS_WITHOUT_SKU + 2)
    for index in picked[:PRODUCTS_WITHOUT_SKU]:
        products[index] = replace(products[index], sku="")
    copy_from, copy_to = picked[PRODUCTS_WITHOUT_SKU:]
    products[copy_to] = replace(products[copy_to], sku=products[copy_from].sku)
    return products


def product_body(rng: random.Random, product: DemoProduct, outlet_codes: Sequence[str]) -> Body:
    """A product for `POST /api/v1/products/`, with stock at each outlet when it is stocked."""
    stock = [
        {
            "outlet": code,
            "quantity": money(stock_quantity(rng, product)),
            "unit_cost": money(product.cost),
        }
        for code in outlet_codes
        if product.stocked
    ]
    return {
        "pos_id": product.pos_id,
        "sku": product.sku,
        "name": product.name,
        "barcode": product.barcode,
        "unit": product.unit,
        "price": money(product.price),
        "cost": money(product.cost),
        "item_type": product.item_type,
        "category": product.category,
        "taxable": product.taxable,
        "has_serial_number": False,
        "active": True,
        "stock": stock,
    }


def stock_quantity(rng: random.Random, product: DemoProduct) -> Decimal:
    if product.unit == "KG":
        return Decimal(rng.randrange(4, 51)) / 2
    return Decimal(rng.randrange(8, 151))


class Menu:
    """The products an outlet sells, drawn by how often a café sells each kind."""

    def __init__(self, products: Sequence[DemoProduct]) -> None:
        self.products = list(products)
        self.stocked = [p for p in self.products if p.stocked]
        # Cumulative weights once: drawing then costs a bisect, not a pass over the menu.
        total = 0.0
        self._cumulative: list[float] = []
        for product in self.products:
            total += product.weight
            self._cumulative.append(total)

    def pick(self, rng: random.Random, count: int) -> list[DemoProduct]:
        """`count` different products (fewer only if the menu is smaller)."""
        count = min(count, len(self.products))
        picked: dict[str, DemoProduct] = {}
        while len(picked) < count:
            [product] = rng.choices(self.products, cum_weights=self._cumulative)
            picked.setdefault(product.pos_id, product)
        return list(picked.values())
