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

use std::sync::LazyLock;

use tokio_postgres::types::ToSql;

use super::rows::amount;
use crate::calls::Call;
use crate::error::{Error, Result};
use crate::store::records::AuditRecord;

/// The held parts, each a data-modifying CTE over its own parameters (numbered from `$1`
/// within the part), in the order they are sent: the limit values (keys unique: a later value
/// of a key replaces the held one), the audit records unnested from arrays in order (audit
/// `seq` values are taken in the order the records were appended), the relationship rows (each
/// once), then the call. A statement names only the parts that hold something: the server
/// sets up every part it is sent (opening the table and its indexes) even when it writes no
/// row, and binds every empty array.
const PARTS: [(&str, usize); 4] = [
    (
        "l AS (INSERT INTO limits (key, value_ms) SELECT k, v FROM unnest($1::text[], \
         $2::bigint[]) AS l(k, v) ON CONFLICT (key) DO UPDATE SET value_ms = EXCLUDED.value_ms)",
        2,
    ),
    (
        "a AS (INSERT INTO audit_log (event, actor_id, call_id, creator_id, fan_id, call_type, \
         detail, at_ms) SELECT e, ac, ca, cr, fa, ct, de, at FROM unnest($1::text[], $2::text[], \
         $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[]) \
         WITH ORDINALITY AS r(e, ac, ca, cr, fa, ct, de, at, n) ORDER BY n)",
        8,
    ),
    (
        "r AS (INSERT INTO creator_fan_relationships (creator_id, fan_id, kind, first_at_ms, \
         last_interaction_at_ms) SELECT c, f, k, t0, t1 FROM unnest($1::text[], $2::text[], \
         $3::text[], $4::bigint[], $5::bigint[]) AS r(c, f, k, t0, t1) \
         ON CONFLICT (creator_id, fan_id, kind) \
         DO UPDATE SET last_interaction_at_ms = EXCLUDED.last_interaction_at_ms)",
        5,
    ),
    // A call id that is taken fails the statement (unique violation), and with it the
    // transaction: the statement may go out with the `COMMIT`, which must then find nothing
    // to apply.
    (
        "c AS (INSERT INTO calls (id, creator_id, fan_id, call_type, state, message, \
         rate_per_minute, creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, \
         finished_at_ms, ended_by, limit_at_ms) VALUES ($1::text::uuid, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, $13, $14, $15))",
        15,
    ),
];

/// The statement for each set of held parts: bit `i` of the index says whether `PARTS[i]`
/// is in it. Each part's parameters follow the previous part's.
static WRITES: LazyLock<Vec<String>> = LazyLock::new(|| {
    (0..1usize << PARTS.len())
        .map(|set| {
            let mut offset = 0;
            let ctes: Vec<String> = PARTS
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, (part, params))| {
                    let part = renumber(part, offset);
                    offset += params;
                    part
                })
                .collect();
            if ctes.is_empty() {
                // Never sent: a transaction that holds nothing has nothing to send.
                return "SELECT 0".to_owned();
            }
            format!("WITH {} SELECT 0", ctes.join(", "))
        })
        .collect()
});

/// `sql` with every parameter `$n` moved to `$(n + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

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
        let parts: [Vec<&(dyn ToSql + Sync)>; 3] = [
            vec![&limit_keys, &limit_values],
            vec![
                &events, &actors, &call_ids, &creators, &fans, &types, &details, &times,
            ],
            vec![&pair_creators, &pair_fans, &kinds, &firsts, &lasts],
        ];
        let held = [
            !limit_keys.is_empty(),
            !events.is_empty(),
            !pair_creators.is_empty(),
        ];
        let mut set = 0;
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(30);
        for (i, (part, held)) in parts.into_iter().zip(held).enumerate() {
            if held {
                set |= 1 << i;
                params.extend(part);
            }
        }
        let c = call.as_ref().map(CallParams::of).transpose()?;
        if let Some(c) = &c {
            set |= 1 << 3;
            params.extend(c.refs());
        }
        send(WRITES[set].as_str(), &params)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter numbers `sql` names, in order of appearance.
    fn parameters(sql: &str) -> Vec<usize> {
        sql.split('$')
            .skip(1)
            .map(|s| {
                let digits = s.bytes().take_while(u8::is_ascii_digit).count();
                s[..digits].parse().expect("a parameter number")
            })
            .collect()
    }

    #[test]
    fn renumbering_moves_every_parameter_and_nothing_else() {
        assert_eq!(
            renumber("f($1, $12)::text[] $ $x", 3),
            "f($4, $15)::text[] $ $x"
        );
        assert_eq!(renumber("no parameters", 9), "no parameters");
    }

    #[test]
    fn each_statement_names_the_parameters_of_its_parts_once_in_order() {
        assert_eq!(WRITES.len(), 16);
        for (set, sql) in WRITES.iter().enumerate() {
            let count: usize = PARTS
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, (_, params))| params)
                .sum();
            assert_eq!(parameters(sql), (1..=count).collect::<Vec<_>>(), "{sql}");
            for (i, (part, _)) in PARTS.iter().enumerate() {
                let name = &part[..part.find(" AS").expect("a CTE")];
                let named = sql.contains(&format!("{name} AS ("));
                assert_eq!(named, set & (1 << i) != 0, "part {name} in {sql}");
            }
        }
    }
}
