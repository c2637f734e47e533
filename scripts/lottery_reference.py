#!/usr/bin/env python3
"""An independent implementation of sidelot's lottery (sidelot-lottery-v1),
written from docs/lottery.md alone, in plain Python with no dependencies.

    python3 scripts/lottery_reference.py vectors       # the known-answer vectors of docs/lottery.md
    python3 scripts/lottery_reference.py verify FILE   # check a published lottery JSON file

The Rust implementation (domain/src/lottery.rs) is tested against the same
vectors; `make test` runs this script's `vectors` and compares.
"""
import hashlib
import json
import struct
import sys

ALGORITHM = "sidelot-lottery-v1"


def framed(data: bytes) -> bytes:
    return struct.pack(">Q", len(data)) + data


def canonical_entrants(lots):
    """lots: {pin: [ids]} -> the canonical text."""
    out = []
    for pin in sorted(lots, key=lambda p: p.encode()):
        ids = sorted(set(lots[pin]), key=lambda i: i.encode())
        out.append(f"{pin}:{','.join(ids)}\n")
    return "".join(out)


def statement(round_slug, lots, entrants_sha256, source, draw_number=1, redraw_reason=None):
    total = sum(len(set(v)) for v in lots.values())
    redraw = f"draw: {draw_number}\nredraw_reason: {redraw_reason or ''}\n" if draw_number > 1 else ""
    return (
        "sidelot lottery statement\n"
        f"algorithm: {ALGORITHM}\n"
        f"round: {round_slug}\n"
        f"{redraw}"
        f"lots: {len(lots)}\n"
        f"entrants: {total}\n"
        f"entrants_sha256: {entrants_sha256}\n"
        f"randomness_source: {source}\n"
    )


def seed(statement_text, entrants_sha256, randomness):
    return hashlib.sha256(
        framed(statement_text.encode())
        + framed(entrants_sha256.encode())
        + framed(randomness.encode())
    ).digest()


def words(seed_bytes, pin):
    k = 0
    while True:
        block = hashlib.sha256(seed_bytes + framed(pin.encode()) + struct.pack(">Q", k)).digest()
        for i in range(0, 32, 4):
            yield struct.unpack(">I", block[i : i + 4])[0]
        k += 1


def uniform(stream, m):
    limit = 2**32 - (2**32 % m)
    while True:
        x = next(stream)
        if x < limit:
            return x % m


def order(seed_bytes, pin, ids):
    a = sorted(set(ids), key=lambda i: i.encode())
    stream = words(seed_bytes, pin)
    for i in range(len(a) - 1, 0, -1):
        j = uniform(stream, i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def draw(round_slug, lots, source, randomness):
    canon = canonical_entrants(lots)
    digest = hashlib.sha256(canon.encode()).hexdigest()
    text = statement(round_slug, lots, digest, source)
    s = seed(text, digest, randomness)
    return digest, text, s.hex(), {pin: order(s, pin, ids) for pin, ids in lots.items()}


VECTORS = [
    ("vector-1", {"13323090220000": ["E-AAAA-0001", "E-AAAA-0002", "E-AAAA-0003"]},
     "drand quicknet round 1000000", "0123456789abcdef"),
    ("vector-2", {"16161010250000": ["E-7K2Q-M9XD", "E-0000-0000"],
                  "13323090220000": ["E-ZZZZ-ZZZZ", "E-1111-1111", "E-5555-5555", "E-9999-9999", "E-3333-3333"]},
     "Public dice ceremony, City Hall, 2027-05-03 10:00", "6 2 5 1 4 4 3 6 1 2"),
    ("vector-3", {"01": [f"E-{i:04d}" for i in range(12)]}, "beacon round 42", ""),
]


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "vectors":
        for slug, lots, source, randomness in VECTORS:
            digest, _, s, orders = draw(slug, lots, source, randomness)
            print(f"{slug} entrants_sha256 {digest}")
            print(f"{slug} seed {s}")
            for pin in sorted(orders):
                print(f"{slug} order {pin} {','.join(orders[pin])}")
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "verify":
        data = json.load(open(sys.argv[2]))
        lots = {l["lot"]: l["entrants"] for l in data["entrants"]}
        digest = hashlib.sha256(canonical_entrants(lots).encode()).hexdigest()
        problems = []
        if digest != data["entrants_sha256"]:
            problems.append(f"entrants_sha256: computed {digest}, published {data['entrants_sha256']}")
        text = statement(data["round"], lots, digest, data["randomness_source"],
                         data.get("draw_number", 1), data.get("redraw_reason"))
        if text != data["statement"]:
            problems.append("statement: differs from the one computed")
        s = seed(text, digest, data["randomness"]).hex()
        if s != data["seed"]:
            problems.append(f"seed: computed {s}, published {data['seed']}")
        for r in data["results"]:
            got = order(bytes.fromhex(s), r["lot"], lots.get(r["lot"], []))
            if got != r["order"]:
                problems.append(f"lot {r['lot']}: computed {got}, published {r['order']}")
        print("matches" if not problems else "\n".join(problems))
        return 0 if not problems else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
