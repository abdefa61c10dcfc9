//! Funnel metrics from the audit log: what the seed asks operators to watch. Pure folding over
//! [`AuditRecord`]s ([`MetricsBuilder`]), plus [`Fanline::metrics`], which pages through the
//! store's log. Every binding returns the same tables.
//!
//! Definitions (all over the audit events whose time is in `[since_ms, until_ms)`):
//! - call counts: `call_initiated`, `call_accepted`, `call_declined`, `call_cancelled`,
//!   `call_missed`, `call_ended` events;
//! - success rate = accepted / initiated; decline, miss and cancel rates likewise over
//!   initiated (`None` when nothing was initiated);
//! - duration = `billedSeconds` of each `call_ended`; p95 is the nearest-rank percentile
//!   (the smallest duration with at least 95% of the calls at or below it);
//! - revenue per creator sums the settlement amounts of `call_ended`;
//! - cooldown hits, rate-limit hits and permission denials count `call_refused` events and
//!   the store's refusal counters (refusals by the `calls` flag, the creator role and the rate
//!   limits are counted per code and minute instead of audited; a counter belongs to the window
//!   its minute starts in) by code (`CALL_COOLDOWN`, `RATE_LIMITED`, and the 403 codes by
//!   reason); other refusals
//!   (`BUSY`, `INSUFFICIENT_TOKENS`, ...) are `otherRefusals`;
//! - fans seen: distinct fans named by call, privacy, share-link and relationship events;
//!   a fan "changed a privacy default" when their latest `privacy_updated` says
//!   `differsFromDefault`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::{require_admin, Fanline};
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::ids::Actor;
use crate::store::{AuditRecord, RefusalCount};

/// Audit records read per store transaction.
const PAGE: usize = 1000;
/// Shortest timeline bucket.
const MIN_BUCKET_MS: i64 = 1000;

/// The error codes of the 403 family, the "permission denials".
const PERMISSION_CODES: [&str; 6] = [
    "NOT_CREATOR",
    "FEATURE_DISABLED",
    "BLOCKED",
    "PROFILE_PRIVATE",
    "DM_NOT_ALLOWED",
    "CALL_NOT_ALLOWED",
];

/// Which part of the log to read, and the timeline's bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsQuery {
    /// Only events at or after this instant (unix ms).
    pub since_ms: Option<i64>,
    /// Only events before this instant (unix ms).
    pub until_ms: Option<i64>,
    /// Width of a timeline bucket in milliseconds (at least 1000; default one hour).
    pub bucket_ms: i64,
}

impl Default for MetricsQuery {
    fn default() -> Self {
        MetricsQuery {
            since_ms: None,
            until_ms: None,
            bucket_ms: 3_600_000,
        }
    }
}

impl MetricsQuery {
    /// Checks the bucket width and that the window is not reversed.
    pub fn validate(&self) -> Result<()> {
        if self.bucket_ms < MIN_BUCKET_MS {
            return Err(Error::invalid("bucket_ms must be at least 1000"));
        }
        if let (Some(since), Some(until)) = (self.since_ms, self.until_ms) {
            if since > until {
                return Err(Error::invalid("since_ms must not be after until_ms"));
            }
        }
        Ok(())
    }

    fn contains(&self, at_ms: i64) -> bool {
        self.since_ms.is_none_or(|s| at_ms >= s) && self.until_ms.is_none_or(|u| at_ms < u)
    }
}

/// The funnel in one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// `call_initiated` events.
    pub initiated: u64,
    /// `call_accepted` events.
    pub accepted: u64,
    /// `call_declined` events.
    pub declined: u64,
    /// `call_cancelled` events.
    pub cancelled: u64,
    /// `call_missed` events.
    pub missed: u64,
    /// `call_ended` events.
    pub ended: u64,
    /// accepted / initiated.
    pub success_rate: Option<f64>,
    /// declined / initiated.
    pub decline_rate: Option<f64>,
    /// missed / initiated.
    pub miss_rate: Option<f64>,
    /// cancelled / initiated.
    pub cancel_rate: Option<f64>,
    /// Mean billed seconds of ended calls.
    pub avg_duration_secs: Option<f64>,
    /// Nearest-rank 95th percentile of billed seconds of ended calls.
    pub p95_duration_secs: Option<u64>,
    /// Tokens charged to fans, all creators.
    pub charged: u64,
    /// Platform fees, all creators.
    pub fee: u64,
    /// Call attempts refused (every `call_refused`).
    pub refused: u64,
    /// Refusals with `CALL_COOLDOWN`.
    pub cooldown_hits: u64,
    /// Refusals with `RATE_LIMITED`.
    pub rate_limit_hits: u64,
    /// Refusals with a 403 code (see `denialsByReason`).
    pub permission_denials: u64,
    /// Refusals with any other code (`BUSY`, `INSUFFICIENT_TOKENS`, ...).
    pub other_refusals: u64,
    /// Distinct fans named by call, privacy, share-link and relationship events.
    pub fans_seen: u64,
    /// Fans whose latest privacy update left a setting away from its default.
    pub fans_changed_default: u64,
    /// fans_changed_default / fans_seen.
    pub changed_default_share: Option<f64>,
}

/// Settled revenue of one creator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatorRevenue {
    /// The creator.
    pub creator_id: String,
    /// Calls ended (settled).
    pub calls: u64,
    /// Billed seconds, summed.
    pub billed_seconds: u64,
    /// Full prices, summed.
    pub gross: u64,
    /// What fans paid.
    pub charged: u64,
    /// The platform's part.
    pub fee: u64,
    /// The creator's part.
    pub creator_net: u64,
    /// Billed but not covered by the fans' balances.
    pub shortfall: u64,
}

/// How often one reason refused a call attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonCount {
    /// The error code.
    pub reason: String,
    /// How many refusals.
    pub count: u64,
}

/// Call events in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineRow {
    /// Bucket start, unix ms (a multiple of the bucket width).
    pub bucket_start_ms: i64,
    /// Bucket start, RFC 3339.
    pub bucket_start: String,
    /// `call_initiated` events.
    pub initiated: u64,
    /// `call_accepted` events.
    pub accepted: u64,
    /// `call_declined` events.
    pub declined: u64,
    /// `call_cancelled` events.
    pub cancelled: u64,
    /// `call_missed` events.
    pub missed: u64,
    /// `call_ended` events.
    pub ended: u64,
    /// `call_refused` events.
    pub refused: u64,
}

/// Every table: plain rows, ready for a data frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// One row: the funnel, durations, limits and privacy.
    pub summary: Vec<Summary>,
    /// One row per creator with an ended call, most charged first.
    pub revenue_by_creator: Vec<CreatorRevenue>,
    /// One row per 403 code that refused a call attempt, most frequent first.
    pub denials_by_reason: Vec<ReasonCount>,
    /// One row per bucket holding a call event, oldest first.
    pub timeline: Vec<TimelineRow>,
}

/// Folds audit records into [`Metrics`]; feed records in log order.
#[derive(Debug, Clone)]
pub struct MetricsBuilder {
    query: MetricsQuery,
    counts: TimelineRow,
    durations: Vec<u64>,
    revenue: BTreeMap<String, CreatorRevenue>,
    refusals: BTreeMap<String, u64>,
    timeline: BTreeMap<i64, TimelineRow>,
    fans: BTreeSet<String>,
    changed_default: BTreeMap<String, bool>,
}

fn detail_of(rec: &AuditRecord) -> Value {
    rec.detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null)
}

fn amount(detail: &Value, key: &str) -> u64 {
    detail.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl MetricsBuilder {
    /// A builder for `query` (validated).
    pub fn new(query: MetricsQuery) -> Result<Self> {
        query.validate()?;
        Ok(MetricsBuilder {
            query,
            counts: TimelineRow::default(),
            durations: Vec::new(),
            revenue: BTreeMap::new(),
            refusals: BTreeMap::new(),
            timeline: BTreeMap::new(),
            fans: BTreeSet::new(),
            changed_default: BTreeMap::new(),
        })
    }

    /// Adds a refusal counter (ignored when its minute starts outside the window).
    pub fn add_refusals(&mut self, count: &RefusalCount) {
        if !self.query.contains(count.minute_ms) {
            return;
        }
        self.counts.refused += count.count;
        let start = count.minute_ms.div_euclid(self.query.bucket_ms) * self.query.bucket_ms;
        self.timeline.entry(start).or_default().refused += count.count;
        *self.refusals.entry(count.code.clone()).or_default() += count.count;
    }

    /// Adds one record (ignored when outside the window or not an event the metrics use).
    pub fn add(&mut self, rec: &AuditRecord) {
        if !self.query.contains(rec.at_ms) {
            return;
        }
        let counter: Option<fn(&mut TimelineRow) -> &mut u64> = match rec.event.as_str() {
            "call_initiated" => Some(|r| &mut r.initiated),
            "call_accepted" => Some(|r| &mut r.accepted),
            "call_declined" => Some(|r| &mut r.declined),
            "call_cancelled" => Some(|r| &mut r.cancelled),
            "call_missed" => Some(|r| &mut r.missed),
            "call_ended" => Some(|r| &mut r.ended),
            "call_refused" => Some(|r| &mut r.refused),
            _ => None,
        };
        if let Some(field) = counter {
            *field(&mut self.counts) += 1;
            let start = rec.at_ms.div_euclid(self.query.bucket_ms) * self.query.bucket_ms;
            *field(self.timeline.entry(start).or_default()) += 1;
        }
        match rec.event.as_str() {
            "call_ended" => self.add_settlement(rec),
            "call_refused" => {
                let code = detail_of(rec)
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("UNKNOWN")
                    .to_string();
                *self.refusals.entry(code).or_default() += 1;
            }
            "privacy_updated" => {
                if let Some(fan) = &rec.fan_id {
                    let differs = detail_of(rec)
                        .get("differsFromDefault")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    self.changed_default.insert(fan.clone(), differs);
                }
            }
            _ => {}
        }
        let names_a_fan = rec.event.starts_with("call_")
            || rec.event.starts_with("share_")
            || rec.event.starts_with("relationship_")
            || rec.event == "privacy_updated";
        if let (true, Some(fan)) = (names_a_fan, &rec.fan_id) {
            if !self.fans.contains(fan) {
                self.fans.insert(fan.clone());
            }
        }
    }

    fn add_settlement(&mut self, rec: &AuditRecord) {
        let d = detail_of(rec);
        let seconds = amount(&d, "billedSeconds");
        self.durations.push(seconds);
        let creator = rec.creator_id.clone().unwrap_or_default();
        let row = self
            .revenue
            .entry(creator.clone())
            .or_insert_with(|| CreatorRevenue {
                creator_id: creator,
                calls: 0,
                billed_seconds: 0,
                gross: 0,
                charged: 0,
                fee: 0,
                creator_net: 0,
                shortfall: 0,
            });
        row.calls += 1;
        row.billed_seconds = row.billed_seconds.saturating_add(seconds);
        row.gross = row.gross.saturating_add(amount(&d, "gross"));
        row.charged = row.charged.saturating_add(amount(&d, "charged"));
        row.fee = row.fee.saturating_add(amount(&d, "fee"));
        row.creator_net = row.creator_net.saturating_add(amount(&d, "creatorNet"));
        row.shortfall = row.shortfall.saturating_add(amount(&d, "shortfall"));
    }

    /// The tables.
    pub fn finish(mut self) -> Metrics {
        let c = &self.counts;
        self.durations.sort_unstable();
        let n = self.durations.len();
        let avg = (n > 0)
            .then(|| self.durations.iter().map(|&s| u128::from(s)).sum::<u128>() as f64 / n as f64);
        let p95 = (n > 0).then(|| self.durations[(95 * n).div_ceil(100) - 1]);
        let count_of = |code: &str| self.refusals.get(code).copied().unwrap_or(0);
        let mut denials: Vec<ReasonCount> = self
            .refusals
            .iter()
            .filter(|(code, _)| PERMISSION_CODES.contains(&code.as_str()))
            .map(|(code, &count)| ReasonCount {
                reason: code.clone(),
                count,
            })
            .collect();
        denials.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        let permission_denials = denials.iter().map(|d| d.count).sum();
        let cooldown_hits = count_of("CALL_COOLDOWN");
        let rate_limit_hits = count_of("RATE_LIMITED");
        let mut revenue: Vec<CreatorRevenue> = self.revenue.into_values().collect();
        revenue.sort_by(|a, b| {
            b.charged
                .cmp(&a.charged)
                .then_with(|| a.creator_id.cmp(&b.creator_id))
        });
        let fans_seen = self.fans.len() as u64;
        let fans_changed_default = self.changed_default.values().filter(|&&d| d).count() as u64;
        let summary = Summary {
            initiated: c.initiated,
            accepted: c.accepted,
            declined: c.declined,
            cancelled: c.cancelled,
            missed: c.missed,
            ended: c.ended,
            success_rate: ratio(c.accepted, c.initiated),
            decline_rate: ratio(c.declined, c.initiated),
            miss_rate: ratio(c.missed, c.initiated),
            cancel_rate: ratio(c.cancelled, c.initiated),
            avg_duration_secs: avg,
            p95_duration_secs: p95,
            charged: revenue.iter().map(|r| r.charged).sum(),
            fee: revenue.iter().map(|r| r.fee).sum(),
            refused: c.refused,
            cooldown_hits,
            rate_limit_hits,
            permission_denials,
            other_refusals: c.refused - cooldown_hits - rate_limit_hits - permission_denials,
            fans_seen,
            fans_changed_default,
            changed_default_share: ratio(fans_changed_default, fans_seen),
        };
        let timeline = self
            .timeline
            .into_iter()
            .map(|(start, mut row)| {
                row.bucket_start_ms = start;
                row.bucket_start = rfc3339(start);
                row
            })
            .collect();
        Metrics {
            summary: vec![summary],
            revenue_by_creator: revenue,
            denials_by_reason: denials,
            timeline,
        }
    }
}

impl Fanline {
    /// The funnel metrics over the audit log (admin; anyone else gets `NOT_FOUND`). Reads the
    /// log a page at a time, each page in its own read transaction, so writers are not held
    /// up by a long log.
    pub fn metrics(&self, actor: &Actor, query: &MetricsQuery) -> Result<Metrics> {
        require_admin(actor)?;
        let mut builder = MetricsBuilder::new(*query)?;
        let mut after = 0;
        loop {
            let page = self.read(|tx| tx.audit(after, PAGE))?;
            for rec in &page {
                builder.add(rec);
            }
            match page.last() {
                Some(last) if page.len() == PAGE => after = last.seq,
                _ => break,
            }
        }
        let (since, until) = (
            query.since_ms.unwrap_or(i64::MIN),
            query.until_ms.unwrap_or(i64::MAX),
        );
        for count in self.read(|tx| tx.refusal_counts(since, until))? {
            builder.add_refusals(&count);
        }
        Ok(builder.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(event: &str, at_ms: i64, fan: &str, detail: Option<Value>) -> AuditRecord {
        AuditRecord {
            seq: 0,
            event: event.to_string(),
            actor_id: None,
            call_id: None,
            creator_id: Some("creator_a".into()),
            fan_id: Some(fan.into()),
            call_type: Some("voice".into()),
            detail: detail.map(|d| d.to_string()),
            at_ms,
        }
    }

    fn ended(at_ms: i64, seconds: u64, charged: u64) -> AuditRecord {
        let d = serde_json::json!({"billedSeconds": seconds, "gross": charged, "charged": charged,
            "fee": charged / 10, "creatorNet": charged - charged / 10, "shortfall": 0});
        rec("call_ended", at_ms, "f1", Some(d))
    }

    #[test]
    fn funnel_rates_durations_and_revenue() {
        let mut b = MetricsBuilder::new(MetricsQuery::default()).unwrap();
        for i in 0..4 {
            b.add(&rec("call_initiated", i * 1000, "f1", None));
        }
        b.add(&rec("call_accepted", 5_000, "f1", None));
        b.add(&rec("call_accepted", 5_000, "f1", None));
        b.add(&rec("call_declined", 5_000, "f1", None));
        b.add(&rec("call_missed", 5_000, "f1", None));
        b.add(&ended(9_000, 60, 10));
        b.add(&ended(9_000, 200, 40));
        let m = b.finish();
        let s = &m.summary[0];
        assert_eq!((s.initiated, s.accepted, s.ended), (4, 2, 2));
        assert_eq!(s.success_rate, Some(0.5));
        assert_eq!(s.decline_rate, Some(0.25));
        assert_eq!(s.cancel_rate, Some(0.0));
        assert_eq!(s.avg_duration_secs, Some(130.0));
        assert_eq!(s.p95_duration_secs, Some(200));
        assert_eq!(m.revenue_by_creator[0].charged, 50);
        assert_eq!(m.revenue_by_creator[0].fee, 5);
        assert_eq!(m.timeline.len(), 1);
        assert_eq!(m.timeline[0].initiated, 4);
    }

    #[test]
    fn p95_is_nearest_rank() {
        let mut b = MetricsBuilder::new(MetricsQuery::default()).unwrap();
        for s in 1..=20 {
            b.add(&ended(0, s, 0));
        }
        // 95% of 20 is 19: the 19th smallest.
        assert_eq!(b.finish().summary[0].p95_duration_secs, Some(19));
    }

    #[test]
    fn refusals_privacy_and_window() {
        let q = MetricsQuery {
            since_ms: Some(1_000),
            until_ms: Some(10_000),
            bucket_ms: 1_000,
        };
        let mut b = MetricsBuilder::new(q).unwrap();
        let refused = |code: &str| Some(serde_json::json!({ "code": code }));
        b.add(&rec("call_refused", 500, "f1", refused("BLOCKED"))); // before the window
        b.add(&rec("call_refused", 1_000, "f1", refused("BLOCKED")));
        b.add(&rec("call_refused", 2_000, "f2", refused("CALL_COOLDOWN")));
        b.add(&rec("call_refused", 2_500, "f2", refused("RATE_LIMITED")));
        b.add(&rec("call_refused", 3_000, "f3", refused("BUSY")));
        let privacy = |d: bool| Some(serde_json::json!({ "differsFromDefault": d }));
        b.add(&rec("privacy_updated", 4_000, "f1", privacy(true)));
        b.add(&rec("privacy_updated", 4_000, "f2", privacy(true)));
        b.add(&rec("privacy_updated", 5_000, "f2", privacy(false)));
        b.add(&rec("profile_updated", 5_000, "creator_x", None));
        b.add(&rec("call_initiated", 10_000, "f9", None)); // at the end: excluded
        let m = b.finish();
        let s = &m.summary[0];
        assert_eq!((s.refused, s.cooldown_hits, s.rate_limit_hits), (4, 1, 1));
        assert_eq!((s.permission_denials, s.other_refusals), (1, 1));
        assert_eq!(m.denials_by_reason[0].reason, "BLOCKED");
        assert_eq!((s.fans_seen, s.fans_changed_default), (3, 1));
        assert_eq!(s.initiated, 0);
        assert_eq!(s.success_rate, None);
        assert_eq!(m.timeline.len(), 3);
        assert_eq!(m.timeline[1].bucket_start, "1970-01-01T00:00:02Z");
    }

    #[test]
    fn bad_queries_are_invalid_input() {
        let q = MetricsQuery {
            bucket_ms: 10,
            ..MetricsQuery::default()
        };
        assert_eq!(q.validate().unwrap_err().code(), "INVALID_INPUT");
        let q = MetricsQuery {
            since_ms: Some(5),
            until_ms: Some(4),
            ..MetricsQuery::default()
        };
        assert!(q.validate().is_err());
    }
}
