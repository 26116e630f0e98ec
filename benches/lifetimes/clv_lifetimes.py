"""The peer's side of the CLV benchmark (issue 5): lifetimes 0.11.3 on the CDNOW
master file, the same work Tidemark's `{"analysis":"clv"}` does from a loaded table:
the per-customer summary (weekly, calibration to 1997-09-30, holdout after it),
BG/NBD fit, Gamma-Gamma fit, and scoring every customer (expected purchases over 39
weeks, P(alive), CLV with a 1% discount rate per week).

lifetimes refuses zero-value purchases in Gamma-Gamma ("non-positive values in the
monetary_value vector"), so they are removed by hand for that fit, as its users do.

    python3 -m venv /tmp/ltenv && /tmp/ltenv/bin/pip install lifetimes==0.11.3
    /tmp/ltenv/bin/python benches/lifetimes/clv_lifetimes.py [cdnow_master.csv] [runs]
"""
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/cdnow_master.csv"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
raw = pd.read_csv(path, dtype={"customer_id": str, "date": str})
raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")

times = []
for _ in range(runs):
    t0 = time.perf_counter()
    summary = calibration_and_holdout_data(
        raw, "customer_id", "date", calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30", freq="W", monetary_value_col="amount")
    t1 = time.perf_counter()
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency_cal"], summary["recency_cal"], summary["T_cal"])
    t2 = time.perf_counter()
    repeat = summary[(summary["frequency_cal"] > 0) & (summary["monetary_value_cal"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeat["frequency_cal"], repeat["monetary_value_cal"])
    t3 = time.perf_counter()
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(
        39, summary["frequency_cal"], summary["recency_cal"], summary["T_cal"])
    alive = bgf.conditional_probability_alive(
        summary["frequency_cal"], summary["recency_cal"], summary["T_cal"])
    clv = ggf.customer_lifetime_value(
        bgf, summary["frequency_cal"], summary["recency_cal"], summary["T_cal"],
        summary["monetary_value_cal"], time=9, freq="W", discount_rate=0.01)
    t4 = time.perf_counter()
    times.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0))

times.sort(key=lambda t: t[4])
m = times[len(times) // 2]
print(f"customers {len(summary)}, BG/NBD {dict((k, round(v, 4)) for k, v in bgf.params_.items())}")
print(f"median of {runs}: summary {m[0]:.3f} s + BG/NBD fit {m[1]:.3f} s + Gamma-Gamma {m[2]:.3f} s"
      f" + scoring {m[3]:.3f} s = {m[4]:.3f} s")
