//! Agora (core `agora`): stable uids, AccessToken2 building and batches, the inspector, and
//! the legacy 006 format.

use fanline::agora::{
    self as core, AgoraCredentials, LegacyIssue, LegacyRole, LegacyTokenRequest, PrivilegeExpiries,
    RtcRole, RtcTokenRequest, RtcUser, RtmLogin, TokenIssue,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString};

use crate::convert::{to_py, I64Column, Int, Text, TextList};
use crate::errors::{blocking, invalid, pure, to_py as error_to_py};

/// The stable uid of a user id, in 1..=2**31-1.
#[pyfunction]
pub fn agora_uid(py: Python<'_>, user_id: Text) -> PyResult<u32> {
    pure(py, || core::agora_uid(&user_id.0))
}

/// The uids of a call's creator and fan (the fan's moves on a collision).
#[pyfunction]
pub fn call_uids(py: Python<'_>, creator_id: Text, fan_id: Text) -> PyResult<(u32, u32)> {
    pure(py, || core::call_uids(&creator_id.0, &fan_id.0))
}

/// The uids of many user ids, in order, computed without the GIL. One invalid id fails the
/// whole batch with its index.
#[pyfunction]
pub fn agora_uids(py: Python<'_>, user_ids: TextList) -> PyResult<Py<PyAny>> {
    let ids = user_ids.0;
    let uids = blocking(py, || {
        ids.iter()
            .enumerate()
            .map(|(i, id)| core::agora_uid(id).map_err(|e| e.at_item(i)))
            .collect::<fanline::Result<Vec<u32>>>()
    })?;
    Ok(PyList::new(py, uids)?.into_any().unbind())
}

/// A numeric uid or a string account.
pub enum UserArg {
    Uid(u32),
    Account(String),
}

impl FromPyObject<'_, '_> for UserArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            return obj.extract::<Text>().map(|t| UserArg::Account(t.0));
        }
        obj.extract::<Int<u32>>()
            .map(|u| UserArg::Uid(u.0))
            .map_err(|_| {
                invalid(
                    obj.py(),
                    "uid must be an int from 0 to 2**32-1 or a str account",
                )
            })
    }
}

impl UserArg {
    fn rtc(self) -> RtcUser {
        match self {
            UserArg::Uid(n) => RtcUser::Uid(n),
            UserArg::Account(a) => RtcUser::Account(a),
        }
    }
}

/// A role argument: its name, or the official builders' number (the core parses both).
pub enum RoleArg {
    /// `"publisher"`, `"subscriber"`, ...
    Name(String),
    /// 1, 2, ... (`bool` is refused).
    Code(u64),
}

impl FromPyObject<'_, '_> for RoleArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
            let Int(code) = obj.extract::<Int<u64>>()?;
            return Ok(RoleArg::Code(code));
        }
        let Text(name) = obj.extract()?;
        Ok(RoleArg::Name(name))
    }
}

fn rtc_role(py: Python<'_>, role: Option<RoleArg>) -> PyResult<RtcRole> {
    pure(py, || match role {
        None => Ok(RtcRole::Publisher),
        Some(RoleArg::Name(name)) => RtcRole::parse(&name),
        Some(RoleArg::Code(code)) => RtcRole::from_code(code),
    })
}

/// Builds AccessToken2 (`007`) RTC tokens for one Agora project. The certificate never
/// appears in `repr`, errors or logs.
#[pyclass(frozen, name = "TokenBuilder", module = "fanline")]
pub struct PyTokenBuilder {
    creds: AgoraCredentials,
}

/// The options every token of a request shares.
struct Options {
    role: RtcRole,
    token_expire: u32,
    privilege_expire: Option<u32>,
    privilege_expiries: PrivilegeExpiries,
    rtm: Option<RtmLogin>,
}

impl Options {
    fn request(&self, channel: String, uid: RtcUser) -> RtcTokenRequest {
        RtcTokenRequest {
            channel,
            uid,
            role: self.role,
            token_expire: self.token_expire,
            privilege_expire: self.privilege_expire,
            privilege_expiries: self.privilege_expiries,
            rtm: self.rtm.clone(),
        }
    }
}

#[pymethods]
impl PyTokenBuilder {
    /// A builder for an app id and app certificate (32 hex characters each; anything else
    /// is a `ConfigError`).
    #[new]
    fn new(py: Python<'_>, app_id: Text, app_certificate: Text) -> PyResult<Self> {
        pure(py, || {
            Ok(PyTokenBuilder {
                creds: AgoraCredentials::new(&app_id.0, &app_certificate.0)?,
            })
        })
    }

    /// The app id.
    #[getter]
    fn app_id(&self) -> &str {
        self.creds.app_id()
    }

    /// One RTC token. `uid` is an int (0 = any uid) or a str account. Expiries are seconds
    /// relative to the issue time (at most 86400). `issue_ts` and `salt` pin the output for
    /// tests; by default the token is issued now with a random salt.
    #[pyo3(signature = (channel, uid, *, role=None, token_expire=None, privilege_expire=None,
        join_expire=None, publish_audio_expire=None, publish_video_expire=None,
        publish_data_expire=None, rtm_user_id=None, rtm_expire=None, issue_ts=None, salt=None))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        py: Python<'_>,
        channel: Text,
        uid: UserArg,
        role: Option<RoleArg>,
        token_expire: Option<Int<u32>>,
        privilege_expire: Option<Int<u32>>,
        join_expire: Option<Int<u32>>,
        publish_audio_expire: Option<Int<u32>>,
        publish_video_expire: Option<Int<u32>>,
        publish_data_expire: Option<Int<u32>>,
        rtm_user_id: Option<Text>,
        rtm_expire: Option<Int<u32>>,
        issue_ts: Option<Int<u32>>,
        salt: Option<Int<u32>>,
    ) -> PyResult<String> {
        let opts = Options {
            role: rtc_role(py, role)?,
            token_expire: token_expire.map_or(core::DEFAULT_EXPIRE_SECS, |t| t.0),
            privilege_expire: privilege_expire.map(|p| p.0),
            privilege_expiries: PrivilegeExpiries {
                join: join_expire.map(|p| p.0),
                publish_audio: publish_audio_expire.map(|p| p.0),
                publish_video: publish_video_expire.map(|p| p.0),
                publish_data: publish_data_expire.map(|p| p.0),
            },
            rtm: rtm_user_id.map(|u| RtmLogin {
                user_id: u.0,
                expire: rtm_expire.map(|e| e.0),
            }),
        };
        let req = opts.request(channel.0, uid.rtc());
        let issue = pinned_issue(py, issue_ts, salt)?;
        pure(py, || core::build_rtc_token(&self.creds, &req, issue))
    }

    /// Many RTC tokens in one call, built on every core without the GIL. `channels` is a list
    /// of str; give `uids` (list of ints or an int64 buffer) or `accounts` (list of str), of
    /// the same length. All share the options. With `issue_ts` and `salts` (a column) the
    /// output is deterministic. With `strict=False` an invalid request yields `None` in its
    /// slot instead of raising.
    #[pyo3(signature = (channels, uids=None, *, accounts=None, role=None, token_expire=None,
        privilege_expire=None, issue_ts=None, salts=None, strict=true))]
    #[allow(clippy::too_many_arguments)]
    fn build_many(
        &self,
        py: Python<'_>,
        channels: TextList,
        uids: Option<I64Column>,
        accounts: Option<TextList>,
        role: Option<RoleArg>,
        token_expire: Option<Int<u32>>,
        privilege_expire: Option<Int<u32>>,
        issue_ts: Option<Int<u32>>,
        salts: Option<I64Column>,
        strict: bool,
    ) -> PyResult<Py<PyAny>> {
        let opts = Options {
            role: rtc_role(py, role)?,
            token_expire: token_expire.map_or(core::DEFAULT_EXPIRE_SECS, |t| t.0),
            privilege_expire: privilege_expire.map(|p| p.0),
            privilege_expiries: PrivilegeExpiries::default(),
            rtm: None,
        };
        let n = channels.0.len();
        let users: Vec<RtcUser> = match (uids, accounts) {
            (Some(u), None) => u
                .values(py)
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    u32::try_from(v)
                        .map(RtcUser::Uid)
                        .map_err(|_| invalid(py, format!("uids[{i}] is not in 0..=2**32-1")))
                })
                .collect::<PyResult<_>>()?,
            (None, Some(a)) => a.0.into_iter().map(RtcUser::Account).collect(),
            _ => return Err(invalid(py, "give exactly one of uids and accounts")),
        };
        if users.len() != n {
            return Err(invalid(
                py,
                format!("{} channels but {} users", n, users.len()),
            ));
        }
        let requests: Vec<RtcTokenRequest> = channels
            .0
            .into_iter()
            .zip(users)
            .map(|(c, u)| opts.request(c, u))
            .collect();
        let creds = &self.creds;
        let results = match salts {
            Some(salts) => {
                let ts = issue_ts
                    .ok_or_else(|| invalid(py, "salts need issue_ts"))?
                    .0;
                let salts = salts.values(py);
                if salts.len() != n {
                    return Err(invalid(
                        py,
                        format!("{n} channels but {} salts", salts.len()),
                    ));
                }
                let items = requests
                    .into_iter()
                    .zip(salts.iter().copied())
                    .enumerate()
                    .map(|(i, (r, s))| {
                        u32::try_from(s)
                            .map(|s| (r, TokenIssue::new(ts, s)))
                            .map_err(|_| invalid(py, format!("salts[{i}] is not in 0..=2**32-1")))
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                blocking(py, || Ok(core::build_tokens_batch_pinned(creds, &items)))?
            }
            None => {
                let ts = issue_ts.map(|t| t.0);
                blocking(py, || Ok(core::build_tokens_batch(creds, &requests, ts)))?
            }
        };
        slots(py, results, strict, |py, token| {
            Ok(PyString::new(py, &token).into_any().unbind())
        })
    }

    fn __repr__(&self) -> String {
        format!("TokenBuilder(app_id={:?})", self.creds.app_id())
    }
}

/// A batch's results as a list. An invalid item raises (strict, naming the index) or leaves
/// `None` in its slot; any other failure (a bad certificate, ...) always raises.
fn slots<T>(
    py: Python<'_>,
    results: Vec<fanline::Result<T>>,
    strict: bool,
    convert: impl Fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => list.append(convert(py, v)?)?,
            Err(e) if strict || e.code() != "INVALID_INPUT" => {
                return Err(error_to_py(py, &e.at_item(i)));
            }
            Err(_) => list.append(py.None())?,
        }
    }
    Ok(list.into_any().unbind())
}

fn pinned_issue(
    py: Python<'_>,
    issue_ts: Option<Int<u32>>,
    salt: Option<Int<u32>>,
) -> PyResult<Option<TokenIssue>> {
    match (issue_ts, salt) {
        (Some(ts), Some(salt)) => Ok(Some(TokenIssue::new(ts.0, salt.0))),
        (None, None) => Ok(None),
        _ => Err(invalid(py, "give both issue_ts and salt, or neither")),
    }
}

/// One RTC token without keeping a builder (see `TokenBuilder.build`).
#[pyfunction]
#[pyo3(signature = (app_id, app_certificate, channel, uid, *, role=None, token_expire=None,
    privilege_expire=None, issue_ts=None, salt=None))]
#[allow(clippy::too_many_arguments)]
pub fn build_rtc_token(
    py: Python<'_>,
    app_id: Text,
    app_certificate: Text,
    channel: Text,
    uid: UserArg,
    role: Option<RoleArg>,
    token_expire: Option<Int<u32>>,
    privilege_expire: Option<Int<u32>>,
    issue_ts: Option<Int<u32>>,
    salt: Option<Int<u32>>,
) -> PyResult<String> {
    let builder = PyTokenBuilder::new(py, app_id, app_certificate)?;
    builder.build(
        py,
        channel,
        uid,
        role,
        token_expire,
        privilege_expire,
        None,
        None,
        None,
        None,
        None,
        None,
        issue_ts,
        salt,
    )
}

/// Every field of a `007` token (camelCase keys); with a certificate, `signatureValid`.
#[pyfunction]
#[pyo3(signature = (token, certificate=None))]
pub fn inspect_token(
    py: Python<'_>,
    token: Text,
    certificate: Option<Text>,
) -> PyResult<Py<PyAny>> {
    let inspection = pure(py, || {
        core::inspect_token(&token.0, certificate.as_ref().map(|c| c.0.as_str()))
    })?;
    to_py(py, &inspection)
}

/// Inspects many tokens without the GIL. With `strict=False` a malformed token yields `None`
/// in its slot instead of raising.
#[pyfunction]
#[pyo3(signature = (tokens, certificate=None, *, strict=true))]
pub fn inspect_tokens(
    py: Python<'_>,
    tokens: TextList,
    certificate: Option<Text>,
    strict: bool,
) -> PyResult<Py<PyAny>> {
    let cert = certificate.map(|c| c.0);
    let results = blocking(py, || {
        Ok(tokens
            .0
            .iter()
            .map(|t| core::inspect_token(t, cert.as_deref()))
            .collect::<Vec<_>>())
    })?;
    slots(py, results, strict, |py, i| to_py(py, &i))
}

/// Whether a `007` token's signature verifies for `certificate`.
#[pyfunction]
pub fn verify_token(py: Python<'_>, token: Text, certificate: Text) -> PyResult<bool> {
    pure(py, || core::verify_token(&token.0, &certificate.0))
}

fn legacy_role(py: Python<'_>, role: Option<RoleArg>) -> PyResult<LegacyRole> {
    pure(py, || match role {
        None => Ok(LegacyRole::Publisher),
        Some(RoleArg::Name(name)) => LegacyRole::parse(&name),
        Some(RoleArg::Code(code)) => LegacyRole::from_code(code),
    })
}

/// A legacy `006` token. `privilege_expired_ts` is an ABSOLUTE unix time (0 = none).
/// `salt` and `ts` pin the output; by default they are random and now + 86400.
#[pyfunction]
#[pyo3(signature = (app_id, app_certificate, channel, uid, *, role=None,
    privilege_expired_ts=None, salt=None, ts=None))]
#[allow(clippy::too_many_arguments)]
pub fn build_token_006(
    py: Python<'_>,
    app_id: Text,
    app_certificate: Text,
    channel: Text,
    uid: UserArg,
    role: Option<RoleArg>,
    privilege_expired_ts: Option<Int<u32>>,
    salt: Option<Int<u32>>,
    ts: Option<Int<u32>>,
) -> PyResult<String> {
    let req = LegacyTokenRequest {
        channel: channel.0,
        uid: uid.rtc(),
        role: legacy_role(py, role)?,
        privilege_expired_ts: privilege_expired_ts.map_or(0, |t| t.0),
    };
    let issue = match (salt, ts) {
        (Some(salt), Some(ts)) => Some(LegacyIssue {
            salt: salt.0,
            ts: ts.0,
        }),
        (None, None) => None,
        _ => return Err(invalid(py, "give both salt and ts, or neither")),
    };
    pure(py, || {
        let creds = AgoraCredentials::new(&app_id.0, &app_certificate.0)?;
        core::build_token_006(&creds, &req, issue)
    })
}

/// The fields of a legacy `006` token (its signature is not checked; see `verify_token_006`).
#[pyfunction]
pub fn parse_token_006(py: Python<'_>, token: Text) -> PyResult<Py<PyAny>> {
    let p = pure(py, || core::parse_token_006(&token.0))?;
    let d = PyDict::new(py);
    d.set_item("appId", &p.app_id)?;
    d.set_item("crcChannel", p.crc_channel)?;
    d.set_item("crcUid", p.crc_uid)?;
    d.set_item("salt", p.salt)?;
    d.set_item("ts", p.ts)?;
    let privileges = PyList::empty(py);
    for (id, expire) in &p.privileges {
        privileges.append((id, expire))?;
    }
    d.set_item("privileges", privileges)?;
    Ok(d.into_any().unbind())
}

/// Whether a `006` token was signed by `certificate` for this channel and uid.
#[pyfunction]
pub fn verify_token_006(
    py: Python<'_>,
    token: Text,
    certificate: Text,
    channel: Text,
    uid: UserArg,
) -> PyResult<bool> {
    let uid = uid.rtc();
    pure(py, || {
        core::verify_token_006(&token.0, &certificate.0, &channel.0, &uid)
    })
}
