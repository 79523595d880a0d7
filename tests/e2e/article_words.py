"""What the pages say along the help article, in English and in Bahasa Indonesia.

Written out rather than looked up through gettext: an untranslated or reworded string must fail the
walk. The Indonesian is locale/id/LC_MESSAGES/django.po's; `{…}` marks a value the walk fills in.
"""

from __future__ import annotations

LANGUAGES = ("en", "id")

WORDS: dict[str, tuple[str, str]] = {
    # Log in, the dashboard, Apps
    "log_in": ("Log in", "Masuk"),
    "dashboard": ("Dashboard", "Dasbor"),
    "apps": ("Apps", "Aplikasi"),
    "all_apps": ("All apps", "Semua aplikasi"),
    "activate": ("Activate", "Aktifkan"),
    # The add-on page's five panels, in the article's order
    "panels": (
        "1 Connection|2 Outlet mapping|3 Product mapping|4 Synchronization schedule|"
        "5 Activity and synchronization status",
        "1 Koneksi|2 Pemetaan outlet|3 Pemetaan produk|4 Jadwal sinkronisasi|"
        "5 Aktivitas dan status sinkronisasi",
    ),
    "map_first": (
        "Connect to an Accurate database to map the outlets.",
        "Hubungkan ke database Accurate untuk memetakan outlet.",
    ),
    # 1 Connection
    "connect": ("Connect to Accurate", "Hubungkan ke Accurate"),
    "use_database": ("Use this database", "Gunakan database ini"),
    "databases": (
        "Kopi Nusantara|Kopi Nusantara (Trial) trial",
        "Kopi Nusantara|Kopi Nusantara (Trial) uji coba",
    ),
    "connected": (
        "Connected to the Accurate database “Kopi Nusantara”.",
        "Terhubung ke database Accurate “Kopi Nusantara”.",
    ),
    "connected_as": (
        "Connected as merchant@sandbox.example to database “Kopi Nusantara” since ",
        "Terhubung sebagai merchant@sandbox.example ke database “Kopi Nusantara” sejak ",
    ),
    # 2 Outlet mapping
    "not_integrated": ("Not integrated", "Belum terintegrasi"),
    "map": ("Map", "Petakan"),
    "active": ("Active", "Aktif"),
    "save": ("Save", "Simpan"),
    "save_activate": ("Save and activate", "Simpan dan aktifkan"),
    "preview_unsaved": (
        "Save the mapping to see what this outlet's latest documents would become in Accurate.",
        "Simpan pemetaan untuk melihat akan menjadi apa dokumen terbaru outlet ini di Accurate.",
    ),
    "preview": (
        "What your sales will look like in Accurate",
        "Seperti apa penjualan Anda nanti di Accurate",
    ),
    "mapping_saved": ("The mapping of {outlet} is saved.", "Pemetaan {outlet} sudah disimpan."),
    "outlet_active": (
        "{outlet} is active: its documents now sync to Accurate.",
        "{outlet} sudah aktif: dokumennya sekarang tersinkron ke Accurate.",
    ),
    "fee": (
        "This store already has an active outlet. Activating this one adds Rp 99.000 a month: the store will "
        "pay Rp 99.000 a month (now Rp 0). I agree to pay Rp 99.000 a month more for this outlet.",
        "Toko ini sudah punya outlet aktif. Mengaktifkan outlet ini menambah Rp 99.000 per bulan: toko akan "
        "membayar Rp 99.000 per bulan (sekarang Rp 0). Saya setuju membayar tambahan Rp 99.000 per bulan "
        "untuk outlet ini.",
    ),
    "fee_ask": (
        "The mapping is saved. To activate this outlet, tick the box to agree to the fee, then press Save "
        "and activate again.",
        "Pemetaan sudah disimpan. Untuk mengaktifkan outlet ini, centang kotak untuk menyetujui biayanya, "
        "lalu tekan Simpan dan aktifkan lagi.",
    ),
    # 3 Product mapping
    "sku_blocked": (
        "Fix these before exporting or pushing products: on the details page, or in the POS. Show details",
        "Perbaiki dulu sebelum mengekspor atau mengirim produk: di halaman detail, atau di POS. Lihat detail",
    ),
    "off_until": (
        "Off until every active product has its own SKU: Show details",
        "Nonaktif sampai setiap produk aktif punya SKU sendiri: Lihat detail",
    ),
    "show_details": ("Show details", "Lihat detail"),
    "problems_title": ("Products to fix before Accurate", "Produk yang perlu diperbaiki sebelum ke Accurate"),
    "save_sku": ("Save SKU", "Simpan SKU"),
    "keep_sku": ("Keep this SKU", "Pertahankan SKU ini"),
    "sku_given": (
        "“{name}” (POS id {pos}) now has the SKU {new}; it had none.",
        "“{name}” (ID POS {pos}) sekarang memiliki SKU {new}; sebelumnya tanpa SKU.",
    ),
    "sku_changed": (
        "The SKU of “{name}” (POS id {pos}) changed from {old} to {new}.",
        "SKU “{name}” (ID POS {pos}) diubah dari {old} menjadi {new}.",
    ),
    "sku_in_pos": (
        "Change the SKU in the POS as well: the next time the POS sends the product, its SKU replaces the "
        "one given here.",
        "Ubah juga SKU-nya di POS: saat POS mengirim produk ini lagi, SKU dari POS menggantikan SKU yang "
        "diisi di sini.",
    ),
    "no_problems": (
        "Every active product has its own SKU of at most 30 characters. Push products",
        "Setiap produk aktif sudah punya SKU sendiri, paling banyak 30 karakter. Kirim produk",
    ),
    "sku_clean": ("Every active product has its own SKU.", "Setiap produk aktif sudah punya SKU sendiri."),
    "last_export": (
        "Last exported {at} by owner: {count} products.",
        "Terakhir diekspor {at} oleh owner: {count} produk.",
    ),
    "push_products": ("Push products", "Kirim produk"),
    "push_title": ("Push products to Accurate", "Kirim produk ke Accurate"),
    "pushing": (
        "Pushing {count} products to Accurate in the background.",
        "Mengirim {count} produk ke Accurate di latar belakang.",
    ),
    "push_done": ("done", "selesai"),
    # 4 Synchronization schedule
    "schedule_unsaved": (
        "Not saved yet: the default schedule below applies. The walk-in customer and transit warehouse "
        "suggested here are used once you save.",
        "Belum disimpan: jadwal bawaan di bawah yang berlaku. Pelanggan umum dan gudang transit yang "
        "disarankan di sini dipakai setelah Anda menyimpan.",
    ),
    "save_schedule": ("Save schedule", "Simpan jadwal"),
    "schedule_saved": ("The synchronization schedule is saved.", "Jadwal sinkronisasi sudah disimpan."),
    # 5 Activity and synchronization status, Sync now
    "activity_title": ("Sync activity", "Aktivitas sinkronisasi"),
    "held_reason": (
        "Waiting for the schedule: sales go every day at {hour}:00, or press Sync now.",
        "Menunggu jadwal: penjualan dikirim setiap hari pukul {hour}.00, atau tekan Sinkronkan sekarang.",
    ),
    "will_be_sent": ("Will be sent as", "Akan dikirim sebagai"),
    "not_tried": ("Not tried yet.", "Belum dicoba."),
    "sync_now": ("Sync now", "Sinkronkan sekarang"),
    "sync_now_summary": (
        "Sales are sent every day at {hour}:00; transfers every day at 22:00 (time zone Asia/Jakarta). Held "
        "documents wait for that; these buttons send them now.",
        "Penjualan dikirim setiap hari pukul {hour}.00; pemindahan barang setiap hari pukul 22.00 (zona "
        "waktu Asia/Jakarta). Dokumen yang ditahan menunggu jadwal itu; tombol di bawah mengirimnya "
        "sekarang.",
    ),
    "not_active": (
        "Not active in Accurate — activate it in Outlet mapping",
        "Belum aktif di Accurate — aktifkan di Pemetaan outlet",
    ),
    "sync_sales_now": ("Sync sales now", "Sinkronkan penjualan sekarang"),
    "sales_sent": (
        "Sending the sales, voids and refunds of {where} to Accurate: {count} held documents released.",
        "Mengirim penjualan, pembatalan, dan retur {where} ke Accurate: {count} dokumen yang ditahan "
        "dilepas.",
    ),
    "all_outlets": ("all outlets", "semua outlet"),
    "success": ("Success", "Berhasil"),
    "cancelled": ("Cancelled", "Dibatalkan"),
    "sale": ("Sale", "Penjualan"),
    "apply": ("Apply", "Terapkan"),
    "no_match": ("No syncs match.", "Tidak ada sinkronisasi yang cocok."),
    "totals": ("Totals in Accurate", "Total di Accurate"),
    "attempts": ("Attempts", "Percobaan"),
    "sent": ("Sent to Accurate", "Dikirim ke Accurate"),
    "answered": ("What Accurate answered", "Jawaban Accurate"),
    "show_all": ("Show Details", "Lihat detail"),
    # Staff
    "staff": ("Staff", "Staf"),
    "api_keys": ("API keys", "Kunci API"),
    "view": ("View", "Lihat"),
    "owner_fixes": (
        "Only the store owner can fix a SKU here.",
        "Hanya pemilik toko yang dapat memperbaiki SKU di sini.",
    ),
    "owner_exports": ("The store owner exports the products.", "Pemilik toko yang mengekspor produk."),
    "owner_pushes": (
        "Only the store owner can push products.",
        "Hanya pemilik toko yang dapat mengirim produk.",
    ),
    "owner_schedules": ("The store owner changes the schedule.", "Pemilik toko yang mengubah jadwal."),
    "failed_banner": (
        "2 syncs failed. Open the details to see why and sync them again.",
        "2 sinkronisasi gagal. Buka detail untuk melihat penyebabnya dan menyinkronkan ulang.",
    ),
    "export_csv": ("Export CSV", "Ekspor CSV"),
    "pos_reference": ("POS reference", "Referensi POS"),
    "sync": ("Sync", "Sinkronkan"),
    "sending_again": ("Sending it to Accurate again.", "Mengirim ulang ke Accurate."),
    "sync_all_failed": ("Sync all failed", "Sinkronkan semua yang gagal"),
    "sent_failed_again": (
        "Sending 1 failed sync to Accurate again.",
        "Mengirim ulang 1 sinkronisasi yang gagal ke Accurate.",
    ),
    "pending": ("Pending", "Menunggu"),
}


def words(language: str) -> dict[str, str]:
    """The walk's expected texts in `language` ("en" or "id")."""
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in WORDS.items()}
