//! Writes that answer nothing (a new call, audit records, limit values, relationship rows),
//! held back by the transaction and sent as ONE statement right before its next statement
//! (`PgTx::flush`) or together with its `COMMIT` (`tx::commit_with`): an initiation's limit,
//! call and audit record ride in the commit's round trip instead of costing three, and so do
//! an accept's relationship row and audit record. Every other statement of
//! the transaction sends what is held first, so the transaction reads its own writes as
//! before; a write that fails makes the whole try fail, as it would have at once.
//!
//! A limit's write follows the read of the same row, so holding it widens the window in which
//! two `SERIALIZABLE` transactions that read the same `limits` page can abort each other. Held
//! or written at once, retries stayed at about 2% of initiations with 4 clients, and holding
//! it saves a round trip on every one.

use tokio_postgres::types::ToSql;

use super::rows::amount;
use crate::calls::Call;
use crate::error::{Error, Result};
use crate::store::records::AuditRecord;

/// The limit values (keys unique: a later value of a key replaces the held one), the audit
/// records unnested from arrays in order (audit `seq` values are taken in the order the
/// records were appended), then the relationship rows (each once).
macro_rules! held_writes_ctes {
    () => {
        "WITH l AS (INSERT INTO limits (key, value_ms) SELECT k, v FROM unnest($1::text[], \
         $2::bigint[]) AS l(k, v) ON CONFLICT (key) DO UPDATE SET value_ms = EXCLUDED.value_ms), \
         a AS (INSERT INTO audit_log (event, actor_id, call_id, creator_id, fan_id, call_type, \
         detail, at_ms) SELECT e, ac, ca, cr, fa, ct, de, at FROM unnest($3::text[], $4::text[], \
         $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[]) \
         WITH ORDINALITY AS r(e, ac, ca, cr, fa, ct, de, at, n) ORDER BY n), \
         r AS (INSERT INTO creator_fan_relationships (creator_id, fan_id, kind, first_at_ms, \
         last_interaction_at_ms) SELECT c, f, k, t0, t1 FROM unnest($11::text[], $12::text[], \
         $13::text[], $14::bigint[], $15::bigint[]) AS r(c, f, k, t0, t1) \
         ON CONFLICT (creator_id, fan_id, kind) \
         DO UPDATE SET last_interaction_at_ms = EXCLUDED.last_interaction_at_ms)"
    };
}

/// Limits, audit records and relationships.
const WRITE: &str = concat!(held_writes_ctes!(), " SELECT 0");

/// Limits, audit records, relationships and one call. A call id that is taken fails the
/// statement (unique violation), and with it the transaction: the statement may go out with
/// the `COMMIT`, which must then find nothing to apply.
const WRITE_WITH_CALL: &str = concat!(
    held_writes_ctes!(),
    ", c AS (INSERT INTO calls (id, creator_id, fan_id, call_type, state, message, \
     rate_per_minute, creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, \
     finished_at_ms, ended_by, limit_at_ms) VALUES ($16::text::uuid, $17, $18, $19, $20, $21, \
     $22, $23, $24, $25, $26, $27, $28, $29, $30)) SELECT 0"
);

/// What a transaction holds back.
#[derive(Default)]
pub(super) struct Pending {
    call: Option<Call>,
    audits: Vec<AuditRecord>,
    /// Limit keys and values, each key once.
    limits: Vec<(String, i64)>,
    /// Relationship rows, each once.
    relationships: Vec<HeldRelationship>,
}

/// A relationship row recorded in the transaction, with the first and the last time it was.
struct HeldRelationship {
    creator: String,
    fan: String,
    kind: &'static str,
    first_ms: i64,
    last_ms: i64,
}

impl Pending {
    pub(super) fn is_empty(&self) -> bool {
        self.call.is_none()
            && self.audits.is_empty()
            && self.limits.is_empty()
            && self.relationships.is_empty()
    }

    /// Whether a call is held (a second one is sent after the first).
    pub(super) fn has_call(&self) -> bool {
        self.call.is_some()
    }

    /// Holds `call`, refusing at once what its columns cannot hold (as an insert would).
    pub(super) fn insert_call(&mut self, call: &Call) -> Result<()> {
        CallParams::of(call)?;
        self.call = Some(call.clone());
        Ok(())
    }

    pub(super) fn append_audit(&mut self, record: &AuditRecord) {
        self.audits.push(record.clone());
    }

    /// Holds a limit's new value (replacing one held for the same key: one statement cannot
    /// update a row twice).
    pub(super) fn put_limit(&mut self, key: &str, value_ms: i64) {
        match self.limits.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value_ms,
            None => self.limits.push((key.to_owned(), value_ms)),
        }
    }

    /// Holds a relationship row recorded at `now_ms` (moving the last time of one held for
    /// the same row: one statement cannot update a row twice).
    pub(super) fn record_relationship(
        &mut self,
        creator: &str,
        fan: &str,
        kind: &'static str,
        now_ms: i64,
    ) {
        let held = self
            .relationships
            .iter_mut()
            .find(|r| r.creator == creator && r.fan == fan && r.kind == kind);
        match held {
            Some(row) => row.last_ms = now_ms,
            None => self.relationships.push(HeldRelationship {
                creator: creator.to_owned(),
                fan: fan.to_owned(),
                kind,
                first_ms: now_ms,
                last_ms: now_ms,
            }),
        }
    }

    /// Runs `send(statement, parameters)` with everything held.
    pub(super) fn send<E: From<Error>>(
        self,
        send: impl FnOnce(&'static str, &[&(dyn ToSql + Sync)]) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let Pending {
            call,
            audits,
            limits,
            relationships,
        } = self;
        let limit_keys: Vec<&str> = limits.iter().map(|(k, _)| k.as_str()).collect();
        let limit_values: Vec<i64> = limits.iter().map(|(_, v)| *v).collect();
        let text = |f: fn(&AuditRecord) -> &Option<String>| -> Vec<Option<&str>> {
            audits.iter().map(|r| f(r).as_deref()).collect()
        };
        let events: Vec<&str> = audits.iter().map(|r| r.event.as_str()).collect();
        let (actors, call_ids, creators, fans, types, details) = (
            text(|r| &r.actor_id),
            text(|r| &r.call_id),
            text(|r| &r.creator_id),
            text(|r| &r.fan_id),
            text(|r| &r.call_type),
            text(|r| &r.detail),
        );
        let times: Vec<i64> = audits.iter().map(|r| r.at_ms).collect();
        let rel = |f: fn(&HeldRelationship) -> &str| -> Vec<&str> {
            relationships.iter().map(f).collect()
        };
        let (pair_creators, pair_fans, kinds) =
            (rel(|r| &r.creator), rel(|r| &r.fan), rel(|r| r.kind));
        let firsts: Vec<i64> = relationships.iter().map(|r| r.first_ms).collect();
        let lasts: Vec<i64> = relationships.iter().map(|r| r.last_ms).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![
            &limit_keys,
            &limit_values,
            &events,
            &actors,
            &call_ids,
            &creators,
            &fans,
            &types,
            &details,
            &times,
            &pair_creators,
            &pair_fans,
            &kinds,
            &firsts,
            &lasts,
        ];
        let Some(call) = &call else {
            return send(WRITE, &params);
        };
        let c = CallParams::of(call)?;
        params.extend(c.refs());
        send(WRITE_WITH_CALL, &params)
    }
}

/// The 15 column values of a call, held so they can be bound by reference.
pub(super) struct CallParams<'a> {
    id: String,
    creator: &'a str,
    fan: &'a str,
    call_type: &'static str,
    state: &'static str,
    message: Option<&'a str>,
    rate: i64,
    creator_uid: i32,
    fan_uid: i32,
    created_at_ms: i64,
    expires_at_ms: i64,
    connected_at_ms: Option<i64>,
    finished_at_ms: Option<i64>,
    ended_by: Option<&'a str>,
    limit_at_ms: Option<i64>,
}

impl<'a> CallParams<'a> {
    /// The values of `call`; an error when a column cannot hold one.
    pub(super) fn of(call: &'a Call) -> Result<Self> {
        let uid = |u: u32| i32::try_from(u).map_err(|_| Error::invalid("agora uid out of range"));
        Ok(CallParams {
            id: call.id.to_string(),
            creator: call.creator.as_str(),
            fan: call.fan.as_str(),
            call_type: call.call_type.as_str(),
            state: call.state.as_str(),
            message: call.message.as_deref(),
            rate: amount(call.rate_per_minute)?,
            creator_uid: uid(call.creator_uid)?,
            fan_uid: uid(call.fan_uid)?,
            created_at_ms: call.created_at_ms,
            expires_at_ms: call.expires_at_ms,
            connected_at_ms: call.connected_at_ms,
            finished_at_ms: call.finished_at_ms,
            ended_by: call.ended_by.as_ref().map(|u| u.as_str()),
            limit_at_ms: call.limit_at_ms,
        })
    }

    /// The values in `call_columns` order.
    pub(super) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![
            &self.id,
            &self.creator,
            &self.fan,
            &self.call_type,
            &self.state,
            &self.message,
            &self.rate,
            &self.creator_uid,
            &self.fan_uid,
            &self.created_at_ms,
            &self.expires_at_ms,
            &self.connected_at_ms,
            &self.finished_at_ms,
            &self.ended_by,
            &self.limit_at_ms,
        ]
    }
}
