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
//!   reason); other refusals (`BUSY`, `INSUFFICIENT_TOKENS`, ...) are `otherRefusals`;
//!   `refusalsByReason` lists every code with its count, so none is unexplained;
//! - creators seen: distinct creators named by call (refusals aside) and relationship
//!   events; the share of them with a `call_initiated` is `initiatingCreatorShare` (the
//!   seed's "% creators initiate calls");
//! - fans called: distinct fans of `call_initiated`; the share of them with a
//!   `call_accepted` is `acceptingFanShare` ("% fans accept calls");
//! - block rate = `user_blocked` events / distinct (creator, fan) pairs named by call
//!   (refusals aside) and relationship events (the seed's "block rate < 1%");
//! - fans seen: distinct fans named by call and relationship events, and by privacy and
//!   share-link events of fans (a `privacy_updated` says its actor's role; one without a role,
//!   written before the role was recorded, or a share-link event counts unless its user is a
//!   creator named by another event). A fan "changed a privacy default" when their latest
//!   `privacy_updated` says `differsFromDefault`: creators' and admins' own settings never
//!   count.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{require_admin, Fanline};
use crate::clock::rfc3339;
use crate::error::{Error, ErrorCode, ErrorFamily, Result};
use crate::ids::Actor;
use crate::store::{AuditRecord, RefusalCount, Store};

/// Audit records read per store transaction.
const PAGE: usize = 1000;
/// Shortest timeline bucket.
const MIN_BUCKET_MS: i64 = 1000;

/// Which part of the log to read, and the timeline's bucket width. Read from the wire
/// (`{ sinceMs, untilMs, bucketMs }`), a field left out takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
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
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "MetricsSummary")
)]
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
    /// Refusals with any other code (`BUSY`, `INSUFFICIENT_TOKENS`, ...; see `refusalsByReason`).
    pub other_refusals: u64,
    /// Distinct creators named by call (refusals aside) and relationship events.
    pub creators_seen: u64,
    /// Distinct creators with a `call_initiated`.
    pub creators_initiated: u64,
    /// creators_initiated / creators_seen.
    pub initiating_creator_share: Option<f64>,
    /// Distinct fans with a `call_initiated` (fans who were called).
    pub fans_called: u64,
    /// Distinct fans with a `call_accepted`.
    pub fans_accepted: u64,
    /// fans_accepted / fans_called.
    pub accepting_fan_share: Option<f64>,
    /// `user_blocked` events.
    pub blocks: u64,
    /// Distinct (creator, fan) pairs named by call (refusals aside) and relationship events.
    pub pairs_seen: u64,
    /// blocks / pairs_seen.
    pub block_rate: Option<f64>,
    /// Distinct fans named by events (see the module's definitions; never a creator or admin).
    pub fans_seen: u64,
    /// Fans whose latest privacy update left a setting away from its default.
    pub fans_changed_default: u64,
    /// fans_changed_default / fans_seen.
    pub changed_default_share: Option<f64>,
}

/// Settled revenue of one creator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReasonCount {
    /// The error code.
    pub reason: String,
    /// How many refusals.
    pub count: u64,
}

/// Call events in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// One row: the funnel, durations, limits and privacy.
    pub summary: Vec<Summary>,
    /// One row per creator with an ended call, most charged first.
    pub revenue_by_creator: Vec<CreatorRevenue>,
    /// One row per 403 code that refused a call attempt, most frequent first.
    pub denials_by_reason: Vec<ReasonCount>,
    /// One row per code that refused a call attempt (every code), most frequent first.
    pub refusals_by_reason: Vec<ReasonCount>,
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
    /// Fans named by call and relationship events: certainly fans.
    fans: BTreeSet<String>,
    /// Users of privacy and share-link events: `Some(is_fan)` when the event says the role.
    self_service: BTreeMap<String, Option<bool>>,
    changed_default: BTreeMap<String, bool>,
    creators: BTreeSet<String>,
    creators_initiated: BTreeSet<String>,
    fans_called: BTreeSet<String>,
    fans_accepted: BTreeSet<String>,
    pairs: BTreeSet<(String, String)>,
    blocks: u64,
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

/// Inserts without allocating when the id is already there (the common case).
fn insert_new(set: &mut BTreeSet<String>, id: &str) {
    if !set.contains(id) {
        set.insert(id.to_string());
    }
}

/// Whether a refusal code is one of the 403 family, the "permission denials".
fn is_permission_denial(code: &str) -> bool {
    ErrorCode::parse(code).is_ok_and(|c| c.family() == ErrorFamily::PermissionDenied)
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
            self_service: BTreeMap::new(),
            changed_default: BTreeMap::new(),
            creators: BTreeSet::new(),
            creators_initiated: BTreeSet::new(),
            fans_called: BTreeSet::new(),
            fans_accepted: BTreeSet::new(),
            pairs: BTreeSet::new(),
            blocks: 0,
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
                if let Some(user) = &rec.fan_id {
                    let d = detail_of(rec);
                    let differs = d
                        .get("differsFromDefault")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    self.changed_default.insert(user.clone(), differs);
                    let is_fan = d.get("role").and_then(Value::as_str).map(|r| r == "fan");
                    self.note_self_service(user, is_fan);
                }
            }
            "user_blocked" => self.blocks += 1,
            _ => {}
        }
        if rec.event.starts_with("share_") {
            if let Some(user) = &rec.fan_id {
                self.note_self_service(user, None);
            }
        }
        let names_a_pair = rec.event.starts_with("call_") || rec.event.starts_with("relationship_");
        if let (true, Some(fan)) = (names_a_pair, &rec.fan_id) {
            insert_new(&mut self.fans, fan);
        }
        // A refused attempt names whoever tried (a fan, say, refused as NOT_CREATOR): it
        // proves no creator and no pair.
        let proves_a_pair = names_a_pair && rec.event != "call_refused";
        if let (true, Some(creator), Some(fan)) = (proves_a_pair, &rec.creator_id, &rec.fan_id) {
            insert_new(&mut self.creators, creator);
            if !self.pairs.contains(&(creator.clone(), fan.clone())) {
                self.pairs.insert((creator.clone(), fan.clone()));
            }
            match rec.event.as_str() {
                "call_initiated" => {
                    insert_new(&mut self.creators_initiated, creator);
                    insert_new(&mut self.fans_called, fan);
                }
                "call_accepted" => insert_new(&mut self.fans_accepted, fan),
                _ => {}
            }
        }
    }

    /// A user of a privacy or share-link event; a role the event states wins over none.
    fn note_self_service(&mut self, user: &str, is_fan: Option<bool>) {
        match self.self_service.get_mut(user) {
            Some(known) => {
                if is_fan.is_some() {
                    *known = is_fan;
                }
            }
            None => {
                self.self_service.insert(user.to_string(), is_fan);
            }
        }
    }

    /// Whether a user of privacy and share-link events counts as a fan: as their events say,
    /// else when they are a fan of a call or relationship or no creator of one.
    fn is_fan(&self, user: &str, stated: Option<bool>) -> bool {
        stated.unwrap_or_else(|| self.fans.contains(user) || !self.creators.contains(user))
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
        let self_service_fans: BTreeSet<&String> = self
            .self_service
            .iter()
            .filter(|(user, &stated)| self.is_fan(user, stated))
            .map(|(user, _)| user)
            .collect();
        let fans_seen = self.fans.len() as u64
            + self_service_fans
                .iter()
                .filter(|user| !self.fans.contains(**user))
                .count() as u64;
        let fans_changed_default = self
            .changed_default
            .iter()
            .filter(|(user, &differs)| differs && self_service_fans.contains(user))
            .count() as u64;
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
            .filter(|(code, _)| is_permission_denial(code))
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
        let mut refusals: Vec<ReasonCount> = self
            .refusals
            .iter()
            .map(|(code, &count)| ReasonCount {
                reason: code.clone(),
                count,
            })
            .collect();
        refusals.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        let creators_seen = self.creators.len() as u64;
        let creators_initiated = self.creators_initiated.len() as u64;
        let fans_called = self.fans_called.len() as u64;
        let fans_accepted = self.fans_accepted.len() as u64;
        let pairs_seen = self.pairs.len() as u64;
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
            creators_seen,
            creators_initiated,
            initiating_creator_share: ratio(creators_initiated, creators_seen),
            fans_called,
            fans_accepted,
            accepting_fan_share: ratio(fans_accepted, fans_called),
            blocks: self.blocks,
            pairs_seen,
            block_rate: ratio(self.blocks, pairs_seen),
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
            refusals_by_reason: refusals,
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
        store_metrics(self.store.as_ref(), query)
    }
}

/// The tables of [`Fanline::metrics`] read straight from a store, without an engine or an
/// actor: for operator tools that already hold the database (the `fanline metrics`
/// command). Each page of the log is its own read transaction.
pub fn store_metrics(store: &dyn Store, query: &MetricsQuery) -> Result<Metrics> {
    let mut builder = MetricsBuilder::new(*query)?;
    let mut after = 0;
    loop {
        let mut page = Vec::new();
        store.read(&mut |tx| {
            page = tx.audit(after, PAGE)?;
            Ok(())
        })?;
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
    let mut counts = Vec::new();
    store.read(&mut |tx| {
        counts = tx.refusal_counts(since, until)?;
        Ok(())
    })?;
    for count in &counts {
        builder.add_refusals(count);
    }
    Ok(builder.finish())
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

    fn pair_rec(event: &str, creator: &str, fan: &str, detail: Option<Value>) -> AuditRecord {
        AuditRecord {
            creator_id: Some(creator.into()),
            ..rec(event, 0, fan, detail)
        }
    }

    #[test]
    fn adoption_shares_and_block_rate() {
        let mut b = MetricsBuilder::new(MetricsQuery::default()).unwrap();
        // Three creators are seen; two initiate; fans f1, f2 are called, only f1 accepts.
        b.add(&pair_rec("relationship_recorded", "c3", "f3", None));
        b.add(&pair_rec("call_initiated", "c1", "f1", None));
        b.add(&pair_rec("call_accepted", "c1", "f1", None));
        b.add(&pair_rec("call_initiated", "c2", "f2", None));
        b.add(&pair_rec("call_initiated", "c2", "f1", None));
        b.add(&pair_rec("call_declined", "c2", "f2", None));
        b.add(&rec("user_blocked", 0, "f3", None));
        let refused = |code: &str| Some(serde_json::json!({ "code": code }));
        for code in ["BUSY", "INSUFFICIENT_TOKENS", "INSUFFICIENT_TOKENS"] {
            b.add(&pair_rec("call_refused", "c3", "f3", refused(code)));
        }
        let m = b.finish();
        let s = &m.summary[0];
        assert_eq!((s.creators_seen, s.creators_initiated), (3, 2));
        assert_eq!(s.initiating_creator_share, Some(2.0 / 3.0));
        assert_eq!((s.fans_called, s.fans_accepted), (2, 1));
        assert_eq!(s.accepting_fan_share, Some(0.5));
        // Pairs (c3,f3), (c1,f1), (c2,f2), (c2,f1): one block.
        assert_eq!((s.blocks, s.pairs_seen), (1, 4));
        assert_eq!(s.block_rate, Some(0.25));
        // Every refusal code is listed: "other" is explained.
        assert_eq!(s.other_refusals, 3);
        let listed: Vec<(&str, u64)> = m
            .refusals_by_reason
            .iter()
            .map(|r| (r.reason.as_str(), r.count))
            .collect();
        assert_eq!(listed, [("INSUFFICIENT_TOKENS", 2), ("BUSY", 1)]);
    }

    #[test]
    fn only_fans_count_in_the_privacy_share() {
        let mut b = MetricsBuilder::new(MetricsQuery::default()).unwrap();
        let privacy = |differs: bool, role: Option<&str>| {
            let mut d = serde_json::json!({ "differsFromDefault": differs });
            if let Some(role) = role {
                d["role"] = role.into();
            }
            Some(d)
        };
        b.add(&pair_rec("call_initiated", "c1", "f1", None));
        // A fan, a creator and an admin change their own settings.
        for (user, role) in [("f1", "fan"), ("c1", "creator"), ("ops", "admin")] {
            b.add(&rec("privacy_updated", 0, user, privacy(true, Some(role))));
        }
        // Records from before the role was written: a known creator does not count, an
        // unknown user does.
        b.add(&pair_rec("call_initiated", "c2", "f1", None));
        b.add(&rec("privacy_updated", 0, "c2", privacy(true, None)));
        b.add(&rec("privacy_updated", 0, "f9", privacy(true, None)));
        let s = &b.finish().summary[0];
        assert_eq!((s.fans_seen, s.fans_changed_default), (2, 2));
        assert_eq!(s.changed_default_share, Some(1.0));
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
