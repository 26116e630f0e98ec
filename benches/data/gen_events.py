#!/usr/bin/env python3
"""Synthetic e-commerce event log generator (Python 3.11, stdlib only).

Writes a CSV with header

    user_id,event,timestamp,revenue,channel,device,country,category

one row per event, sorted by time (ties: user, then the order the events were
generated in, which is also their logical order inside a session). Deterministic
for a given --seed and --rows.

Model (all probabilities are per session unless said otherwise):
  * users arrive over ~6 months (182 days from Monday 2025-01-06, with a mild
    growth trend); data is observed until 196 days (28 weeks) after the start,
    later events are cut (censoring), so late cohorts are incomplete.
  * user attributes: acquisition channel and country (fixed), a primary device
    (85% of sessions; the others pick any device), 1-2 favourite categories.
  * browsing sessions: 1-5 page_view; then product_view with p=0.60 (40% drop),
    add_to_cart p=0.50 (50% drop), checkout p=0.40 (60% drop), purchase p=0.75.
    15% of later sessions land on a product page first (deep link). 35% of
    abandoned carts come back 1+ days later (exponential, mean 4 days; some
    after the 7-day funnel window): page_view -> checkout -> purchase (p=0.6).
    Events inside a session are a few seconds apart (exponential, mean 40 s,
    so some steps share a second: ties are resolved by row order).
  * signup: 30% sign up in their first session, guests sign up before a
    checkout with p=0.6.
  * churn: after each browsing session the user churns with a user-specific
    probability (0.08-0.55); otherwise the next session comes after an
    exponential gap (user-specific mean 1-10 days) at a diurnal time of day.
  * repurchase: after the first purchase 30% of buyers become repeaters; a
    repeater's next purchase session comes after a geometric number of days
    (user-specific mean 10-60 days) and continues with p=0.7 after each repeat
    purchase. Repeat sessions convert at 0.9 per step (25% re-order straight
    from checkout, without product_view / add_to_cart).
  * revenue (purchase only, else empty): category base price x lognormal.

Usage: python3 benches/data/gen_events.py --rows 1000000 --seed 42 target/bench/events_1m.csv
(scripts/bench and scripts/bench-browser do this; the files are not committed).
"""
import argparse
import math
import os
import random
import sys
import time

START = 1736121600  # 2025-01-06T00:00:00Z, a Monday
ARRIVAL_DAYS = 182
END_DAYS = 196
END = START + END_DAYS * 86400

EVENTS = ["page_view", "product_view", "add_to_cart", "checkout", "purchase", "signup"]
PV, PDV, ATC, CHK, PUR, SIGN = range(6)
CHANNELS = ["organic_search", "paid_search", "social", "email", "referral", "direct"]
CHANNEL_W = [0.30, 0.20, 0.15, 0.10, 0.08, 0.17]
DEVICES = ["mobile", "desktop", "tablet"]
DEVICE_W = [0.56, 0.37, 0.07]
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "IN", "BR", "AU", "JP", "ES", "IT"]
COUNTRY_W = [0.38, 0.10, 0.09, 0.07, 0.06, 0.08, 0.06, 0.04, 0.04, 0.04, 0.04]
CATEGORIES = ["electronics", "apparel", "home", "beauty", "sports", "books", "toys", "grocery"]
CAT_PRICE = [180.0, 45.0, 70.0, 30.0, 60.0, 18.0, 35.0, 25.0]
# share of sessions starting in each UTC hour (a soft diurnal curve)
HOUR_W = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 8, 7, 5, 3]

# bit layout of one packed event (sort key first): ts | uid | seq | ev | cat | dev | cents
B_CENTS, B_DEV, B_CAT, B_EV, B_SEQ, B_UID = 20, 2, 4, 3, 14, 24
S_DEV = B_CENTS
S_CAT = S_DEV + B_DEV
S_EV = S_CAT + B_CAT
S_SEQ = S_EV + B_EV
S_UID = S_SEQ + B_SEQ
S_TS = S_UID + B_UID
MAX_SEQ = (1 << B_SEQ) - 1
MAX_CENTS = (1 << B_CENTS) - 1


def cumulative(w):
    out, acc = [], 0.0
    tot = float(sum(w))
    for x in w:
        acc += x / tot
        out.append(acc)
    out[-1] = 1.0
    return out


def pick(cum, r):
    for i, c in enumerate(cum):
        if r < c:
            return i
    return len(cum) - 1


class Generator:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.channel_c = cumulative(CHANNEL_W)
        self.device_c = cumulative(DEVICE_W)
        self.country_c = cumulative(COUNTRY_W)
        self.hour_c = cumulative(HOUR_W)

    def session_start(self, day_start):
        """A diurnal time of day on the given day (day_start = midnight, absolute)."""
        rnd = self.rnd
        h = pick(self.hour_c, rnd.random())
        return day_start + h * 3600 + int(rnd.random() * 3600)

    def user(self, uid):
        """Events of one user as packed ints (ts relative to START, ...)."""
        rnd = self.rnd
        r = rnd.random
        expo = rnd.expovariate
        primary = pick(self.device_c, r())
        favs = [int(r() * 8)]
        if r() < 0.5:
            favs.append(int(r() * 8))
        churn = 0.08 + 0.47 * r() ** 1.5
        gap_mean_days = 1.0 + 9.0 * r()
        repeat_mean_days = 10.0 + 50.0 * r()
        geo_p = 1.0 / repeat_mean_days
        log1mp = math.log(1.0 - geo_p)

        arrival_day = int(ARRIVAL_DAYS * r() ** 0.8)
        t_browse = self.session_start(START + arrival_day * 86400)  # next browsing session
        t = t_browse  # the user's clock: time of the next event
        out = []
        seq = 0
        signed = False
        bought = False
        repeater = False
        # one pending scheduled session at most: (start, kind, category);
        # kind 1 = repeat purchase, kind 2 = return to an abandoned cart
        special = None
        browsing = True

        def emit(ts, ev, cat, dev, cents):
            nonlocal seq
            if seq < MAX_SEQ:
                out.append(((ts - START) << S_TS) | (uid << S_UID) | (seq << S_SEQ) | (ev << S_EV)
                           | (cat << S_CAT) | (dev << S_DEV) | cents)
                seq += 1

        first = True
        while True:
            # the next session: a scheduled one if it comes first, else browsing
            if special is not None and (not browsing or special[0] <= t_browse):
                t, kind, cat = special
                special = None
            elif browsing:
                t = t_browse
                kind = 0
                cat = -1
            else:
                break
            if t >= END:
                break
            dev = primary if r() < 0.85 else pick(self.device_c, r())
            fav = favs[0] if len(favs) == 1 or r() < 0.6 else favs[1]
            if cat < 0:
                cat = fav
            purchased_now = False
            if kind == 0:
                if not first and r() < 0.15:
                    # deep link: the session lands on a product page
                    emit(t, PDV, cat + 1, dev, 0)
                    t += int(expo(1 / 40.0))
                n_pv = 1
                while n_pv < 5 and r() < 0.45:
                    n_pv += 1
                for i in range(n_pv):
                    emit(t, PV, 0, dev, 0)
                    if first and i == 0 and r() < 0.30:
                        t += int(expo(1 / 40.0))
                        emit(t, SIGN, 0, dev, 0)
                        signed = True
                    t += int(expo(1 / 40.0))
                first = False
                if r() < 0.60:
                    n_pdv = 1
                    while n_pdv < 6 and r() < 0.5:
                        n_pdv += 1
                    for _ in range(n_pdv):
                        cat = fav if r() < 0.7 else int(r() * 8)
                        emit(t, PDV, cat + 1, dev, 0)
                        t += int(expo(1 / 40.0))
                    if r() < 0.50:
                        emit(t, ATC, cat + 1, dev, 0)
                        t += int(expo(1 / 40.0))
                        if r() < 0.40:
                            if not signed and r() < 0.6:
                                emit(t, SIGN, 0, dev, 0)
                                signed = True
                                t += int(expo(1 / 40.0))
                            emit(t, CHK, cat + 1, dev, 0)
                            t += int(expo(1 / 60.0))
                            if r() < 0.75:
                                purchased_now = True
                        elif special is None and r() < 0.35:
                            # abandoned cart; some come back days later (maybe after the 7-day window)
                            day = (t - START) // 86400 + 1 + int(expo(1 / 4.0))
                            special = (self.session_start(START + day * 86400), 2, cat)
            elif kind == 1:
                emit(t, PV, 0, dev, 0)
                t += int(expo(1 / 40.0))
                if r() < 0.25:
                    # re-order from the order history: straight to checkout
                    emit(t, CHK, cat + 1, dev, 0)
                    t += int(expo(1 / 60.0))
                    purchased_now = r() < 0.9
                else:
                    emit(t, PDV, cat + 1, dev, 0)
                    t += int(expo(1 / 40.0))
                    if r() < 0.9:
                        emit(t, ATC, cat + 1, dev, 0)
                        t += int(expo(1 / 40.0))
                        if r() < 0.9:
                            emit(t, CHK, cat + 1, dev, 0)
                            t += int(expo(1 / 60.0))
                            purchased_now = r() < 0.9
            else:
                # back to the saved cart: page_view -> checkout -> purchase
                emit(t, PV, 0, dev, 0)
                t += int(expo(1 / 40.0))
                if not signed and r() < 0.6:
                    emit(t, SIGN, 0, dev, 0)
                    signed = True
                    t += int(expo(1 / 40.0))
                emit(t, CHK, cat + 1, dev, 0)
                t += int(expo(1 / 60.0))
                purchased_now = r() < 0.6
            if purchased_now and t < END:
                cents = int(CAT_PRICE[cat] * rnd.lognormvariate(0.0, 0.5) * 100)
                cents = min(max(cents, 100), MAX_CENTS)
                emit(t, PUR, cat + 1, dev, cents)
                if not bought:
                    bought = True
                    repeater = r() < 0.30
                    cont = repeater
                else:
                    cont = repeater and (kind != 1 or r() < 0.7)
                if cont and special is None:
                    # a geometric number of days (>= 1) until the next purchase session
                    days = 1 + int(math.log(1.0 - r()) / log1mp)
                    special = (self.session_start(((t - START) // 86400 + days) * 86400 + START), 1, cat)
            if kind == 0:
                if r() < churn:
                    browsing = False
                    continue
                day = (t - START) // 86400 + int(expo(1.0 / gap_mean_days))
                nt = self.session_start(START + day * 86400)
                if nt <= t:
                    nt = t + 600 + int(expo(1 / 3600.0))
                t_browse = nt
            elif browsing and t_browse <= t:
                t_browse = t + 600 + int(expo(1 / 3600.0))
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output", help="output CSV path")
    ap.add_argument("--rows", type=int, required=True, help="number of rows (events) to write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--chunk", type=int, default=200_000, help="rows per write")
    a = ap.parse_args()
    if a.rows <= 0:
        ap.error("--rows must be positive")

    t_start = time.time()
    g = Generator(a.seed)
    rnd = g.rnd
    keys = []
    uid_ids = []    # internal uid -> printed user_id
    uid_attr = []   # internal uid -> (channel, country); device is per event
    total = 0
    uid = 0
    while total < a.rows:
        if uid >= (1 << B_UID):
            sys.exit("too many users for the packed layout")
        ev = g.user(uid)
        if total + len(ev) > a.rows:
            ev = ev[: a.rows - total]  # the last user's earliest events (generated in time order)
        keys.extend(ev)
        total += len(ev)
        # scrambled, unique, 10-digit-ish ids (odd multiplier mod 2^32 is a bijection)
        uid_ids.append(str(((uid + 1) * 2654435761) % 4294967296))
        ch = CHANNELS[pick(g.channel_c, rnd.random())]
        co = COUNTRIES[pick(g.country_c, rnd.random())]
        uid_attr.append((ch, co))
        uid += 1
    t_gen = time.time()
    keys.sort()
    t_sort = time.time()

    # precomputed text pieces: the date part per day, the time part per second of day
    n_days = END_DAYS + 2
    day_prefix = [time.strftime("%Y-%m-%dT", time.gmtime(START + d * 86400)) for d in range(n_days)]
    tod = ["%02d:%02d:%02dZ" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]
    # channel and country are per user, device is per event
    uid_ch = [c for c, _ in uid_attr]
    uid_co = [c for _, c in uid_attr]

    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    tmp = a.output + ".tmp"
    ev_names = EVENTS
    cats = [""] + CATEGORIES
    m_dev = (1 << B_DEV) - 1
    m_cat = (1 << B_CAT) - 1
    m_ev = (1 << B_EV) - 1
    m_uid = (1 << B_UID) - 1
    m_cents = MAX_CENTS
    with open(tmp, "w", newline="", buffering=1 << 22) as f:
        f.write("user_id,event,timestamp,revenue,channel,device,country,category\n")
        for lo in range(0, len(keys), a.chunk):
            lines = []
            app = lines.append
            for k in keys[lo: lo + a.chunk]:
                ts = k >> S_TS
                u = (k >> S_UID) & m_uid
                ev = (k >> S_EV) & m_ev
                app("%s,%s,%s%s,%s,%s,%s,%s,%s\n" % (
                    uid_ids[u], ev_names[ev], day_prefix[ts // 86400], tod[ts % 86400],
                    ("%d.%02d" % divmod(k & m_cents, 100)) if ev == PUR else "",
                    uid_ch[u], DEVICES[(k >> S_DEV) & m_dev], uid_co[u], cats[(k >> S_CAT) & m_cat]))
            f.write("".join(lines))
    os.replace(tmp, a.output)
    t_end = time.time()
    size = os.path.getsize(a.output)
    print("wrote %s: %d rows, %d users, %d bytes (%.1f MiB); generate %.1fs, sort %.1fs, write %.1fs"
          % (a.output, total, uid, size, size / 2**20, t_gen - t_start, t_sort - t_gen, t_end - t_sort),
          file=sys.stderr)


if __name__ == "__main__":
    main()
