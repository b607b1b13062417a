"""Item codes: minting to the printer's CSV against a bare loop of the same MACs; QR images per second.

python -m bench.mint_codes [--codes 1000000] [--images 300]
"""

from __future__ import annotations

import argparse
import hmac
import os
import struct
import tempfile
import time
from datetime import UTC, datetime

from loyalty import item_codes
from loyalty.models import CodeBatch, LoyaltyPolicy
from loyalty.services.batches import csv_chunks
from referral import qr


def bare_macs(key: bytes, count: int) -> float:
    header = struct.Struct(">BBII")
    start = time.perf_counter()
    for serial in range(count):
        hmac.digest(key, header.pack(1, 1, 1, serial), "sha256")
    return time.perf_counter() - start


def export(key: bytes, count: int) -> tuple[float, int]:
    batch = CodeBatch(
        id=1,
        brand_id=1,
        sku="MILK",
        product_name="Milk",
        quantity=count,
        price_cents=0,
        points_per_item=0,
        key_id=1,
        created_at=datetime.now(UTC),
    )
    policy = LoyaltyPolicy(brand_id=1, item_url_base="https://mp.bench.example/i")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as out:
        lines = 0
        start = time.perf_counter()
        for chunk in csv_chunks(batch, policy, key):
            out.write(chunk)
            lines += chunk.count("\n")
        elapsed = time.perf_counter() - start
    assert lines == count + 1, f"export wrote {lines - 1:,} codes, not {count:,}"
    size = os.path.getsize(out.name)
    os.unlink(out.name)
    return elapsed, size


def images(count: int, fmt: qr.QrFormat) -> float:
    key = b"k" * 32
    start = time.perf_counter()
    for serial in range(count):
        qr.render(f"https://mp.example.com/i?i={item_codes.encode(key, 1, 1, serial)}", fmt)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codes", type=int, default=1_000_000)
    parser.add_argument("--images", type=int, default=300)
    args = parser.parse_args()
    key = os.urandom(32)
    macs = bare_macs(key, args.codes)
    csv_s, size = export(key, args.codes)
    print(f"{args.codes:,} codes to CSV: {csv_s:.2f} s = {args.codes / csv_s:,.0f} codes/s ({size / 1e6:.0f} MB)")
    print(f"bare loop of the same MACs: {macs:.2f} s = {args.codes / macs:,.0f} MACs/s")
    print(f"export / bare loop: {csv_s / macs:.2f}x")
    for fmt in (qr.QrFormat.PNG, qr.QrFormat.SVG):
        print(f"QR {fmt.value.upper()}: {images(args.images, fmt):,.0f} images/s")


if __name__ == "__main__":
    main()
