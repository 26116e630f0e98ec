//! Literal cohort reports shared by the chart tests (`chart_cohort.rs`,
//! `chart_tips.rs`): four weekly cohorts (one empty, the newest incomplete), the
//! same with revenue, a lifecycle and a repeat-purchase report.

#![allow(dead_code)]

use tidemark::report::{
    Cohort, GapBin, LifecyclePeriod, LifecycleReport, MonthRate, RepeatRate, RepurchaseReport,
    RetentionAverage, RetentionReport, SegmentPart, SegmentSize,
};

/// A cohort from `(start, size, retained, complete)`, rates derived.
pub fn cohort(start: &str, size: u64, retained: &[u64], complete: &[bool]) -> Cohort {
    Cohort {
        start: start.to_string(),
        size,
        retained: retained.to_vec(),
        retained_rate: retained
            .iter()
            .map(|&r| (size > 0).then(|| r as f64 / size as f64))
            .collect(),
        complete: complete.to_vec(),
        revenue: None,
        revenue_per_user: None,
        cumulative_revenue_per_user: None,
    }
}

pub fn retention_report(cohorts: Vec<Cohort>) -> RetentionReport {
    // The average over complete, non-empty cells, like the engine.
    let len = cohorts.iter().map(|c| c.retained.len()).max().unwrap_or(0);
    let mut avg = RetentionAverage {
        cohorts: vec![0; len],
        users: vec![0; len],
        retained: vec![0; len],
        rate: vec![None; len],
        revenue_per_user: None,
        cumulative_revenue_per_user: None,
    };
    for c in &cohorts {
        for k in 0..c.retained.len() {
            if c.size > 0 && c.complete[k] {
                avg.cohorts[k] += 1;
                avg.users[k] += c.size;
                avg.retained[k] += c.retained[k];
            }
        }
    }
    avg.rate = (0..len)
        .map(|k| (avg.users[k] > 0).then(|| avg.retained[k] as f64 / avg.users[k] as f64))
        .collect();
    RetentionReport {
        period: "week".to_string(),
        mode: "bounded".to_string(),
        measure: "users".to_string(),
        periods: 12,
        start_event: None,
        return_event: None,
        data_end: Some("2026-01-28T12:00:00Z".to_string()),
        cohorts,
        average: avg,
        segment: None,
        by_segment: None,
    }
}

/// Four weekly cohorts, the second empty; the data end falls in week 4.
pub fn weekly() -> RetentionReport {
    retention_report(vec![
        cohort(
            "2026-01-05",
            1_000,
            &[1_000, 420, 300, 250],
            &[true, true, true, false],
        ),
        cohort("2026-01-12", 0, &[0, 0, 0], &[true, true, false]),
        cohort("2026-01-19", 800, &[800, 360], &[true, false]),
        cohort("2026-01-26", 500, &[500], &[false]),
    ])
}

/// `weekly()` compared with a second segment (one cohort of 200: 200, 50, 20
/// active, every week over): parts "Champions" (the weekly cohorts) and "Loyal".
pub fn weekly_compared() -> RetentionReport {
    let part = |name: &str, result: RetentionReport| SegmentPart {
        segment: SegmentSize {
            name: name.to_string(),
            users: result.cohorts.iter().map(|c| c.size).sum(),
            share_users: None,
            revenue: None,
            share_revenue: None,
        },
        result,
    };
    let mut r = weekly();
    let loyal = retention_report(vec![cohort(
        "2026-01-05",
        200,
        &[200, 50, 20],
        &[true, true, true],
    )]);
    r.by_segment = Some(vec![part("Champions", weekly()), part("Loyal", loyal)]);
    r
}

/// The same cohorts with the revenue measure: revenue per user per period and
/// cumulative.
pub fn weekly_revenue() -> RetentionReport {
    let mut r = weekly();
    r.measure = "revenue".to_string();
    let per_user: [&[f64]; 4] = [
        &[10.0, 4.0, 2.5, 1.5],
        &[0.0, 0.0, 0.0],
        &[12.0, 3.0],
        &[9.0],
    ];
    for (c, rpu) in r.cohorts.iter_mut().zip(per_user) {
        let size = c.size;
        c.revenue = Some(rpu.iter().map(|v| v * size as f64).collect());
        c.revenue_per_user = Some(rpu.iter().map(|&v| (size > 0).then_some(v)).collect());
        let mut sum = 0.0;
        c.cumulative_revenue_per_user = Some(
            rpu.iter()
                .map(|&v| {
                    sum += v;
                    (size > 0).then_some(sum)
                })
                .collect(),
        );
    }
    // Complete cells: k0 from cohorts 0 and 2; k1, k2 from cohort 0.
    r.average.revenue_per_user = Some(vec![
        Some((10_000.0 + 9_600.0) / 1_800.0),
        Some(4.0),
        Some(2.5),
        None,
    ]);
    // The LTV curve: the running sum of those (the engine's definition).
    let k0 = (10_000.0 + 9_600.0) / 1_800.0;
    r.average.cumulative_revenue_per_user =
        Some(vec![Some(k0), Some(k0 + 4.0), Some(k0 + 6.5), None]);
    r
}

pub fn lifecycle_report(periods: &[(&str, u64, u64, u64, i64, bool)]) -> LifecycleReport {
    LifecycleReport {
        period: "week".to_string(),
        event: None,
        data_end: Some("2026-01-28T12:00:00Z".to_string()),
        periods: periods
            .iter()
            .map(
                |&(start, new, returning, resurrecting, dormant, complete)| LifecyclePeriod {
                    start: start.to_string(),
                    new,
                    returning,
                    resurrecting,
                    dormant,
                    active: new.saturating_add(returning).saturating_add(resurrecting),
                    complete,
                },
            )
            .collect(),
    }
}

pub const LIFE: [(&str, u64, u64, u64, i64, bool); 4] = [
    ("2026-01-05", 100, 0, 0, 0, true),
    ("2026-01-12", 80, 60, 0, -40, true),
    ("2026-01-19", 50, 70, 10, -70, true),
    ("2026-01-26", 20, 30, 5, -90, false),
];

pub fn repurchase_report() -> RepurchaseReport {
    let bin = |from: f64, users: u64| GapBin {
        from_days: from,
        to_days: from + 7.0,
        users,
    };
    let month = |m: &str, buyers: u64, eligible: u64, repeaters: u64| MonthRate {
        month: m.to_string(),
        buyers,
        eligible,
        repeaters,
        rate: (eligible > 0).then(|| repeaters as f64 / eligible as f64),
    };
    let rate = |days: u32, eligible: u64, repeaters: u64, not_yet: u64| RepeatRate {
        days,
        eligible,
        repeaters,
        rate: (eligible > 0).then(|| repeaters as f64 / eligible as f64),
        not_yet_eligible: not_yet,
    };
    RepurchaseReport {
        purchase_event: "purchase".to_string(),
        purchase_event_guessed: false,
        buyers: 3_000,
        repeat_buyers: 250,
        data_end: Some("2026-04-30T00:00:00Z".to_string()),
        rates: vec![
            rate(30, 2_000, 440, 600),
            rate(60, 1_500, 400, 1_100),
            rate(90, 900, 300, 1_700),
        ],
        median_gap_days: Some(9.5),
        mean_gap_days: Some(11.2),
        gap_histogram: vec![bin(0.0, 120), bin(7.0, 80), bin(14.0, 40), bin(21.0, 10)],
        by_first_month: vec![
            month("2026-01", 900, 900, 180),
            month("2026-02", 800, 800, 200),
            month("2026-03", 700, 300, 60),
            month("2026-04", 600, 0, 0),
        ],
        outcome_days: 30,
        drivers_within_days: 7,
        min_group: 30,
        drivers: Vec::new(),
        hidden_small_groups: 0,
        segment: None,
        by_segment: None,
    }
}
