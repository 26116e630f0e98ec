#!/usr/bin/env python3
"""Synthetic order-line generator for the market-basket benchmark (stdlib only).

Writes a CSV with header

    user_id,order_id,timestamp,event,sku,revenue

one row per order line. Deterministic for a given --seed and --orders.
Model: 20,000 users; 1,000 SKUs with Zipf-like popularity (weight 1/rank^1.1);
an order has 1 + Poisson-ish(2) lines drawn by popularity (an SKU at most once);
50 planted pairs (SKU a -> SKU b) are added with probability 0.6 when a is in
the order, so rules with a high lift exist. Orders are spread over 180 days.

Usage: gen_baskets.py --orders 100000 --seed 42 > baskets_100k.csv
"""
import argparse
import bisect
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    skus = [f"SKU-{i:04d}" for i in range(1000)]
    weights = [1.0 / (r + 1) ** 1.1 for r in range(len(skus))]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    pairs = {rnd.randrange(100): rnd.randrange(1000) for _ in range(50)}
    out = sys.stdout
    out.write("user_id,order_id,timestamp,event,sku,revenue\n")
    for o in range(a.orders):
        user = rnd.randrange(20_000)
        n = 1
        while rnd.random() < 0.65 and n < 12:
            n += 1
        items = set()
        while len(items) < n:
            items.add(bisect.bisect_left(cum, rnd.random() * total))
        for i in list(items):
            if i in pairs and rnd.random() < 0.6:
                items.add(pairs[i])
        secs = rnd.randrange(180 * 86400)
        day, rest = divmod(secs, 86400)
        h, rest = divmod(rest, 3600)
        m, s = divmod(rest, 60)
        month = 1 + day // 30
        dom = 1 + day % 30 if month != 2 else 1 + day % 28
        ts = f"2025-{month:02d}-{dom:02d}T{h:02d}:{m:02d}:{s:02d}Z"
        for i in sorted(items):
            out.write(f"u{user},o{o},{ts},purchase,{skus[i]},{rnd.randrange(100, 5000) / 100:.2f}\n")


if __name__ == "__main__":
    main()
