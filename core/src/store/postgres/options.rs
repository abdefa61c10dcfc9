//! Tunables of a [`PostgresStore`](super::PostgresStore) and the reading of connection URLs.

use std::time::Duration;

use crate::error::{Error, Result};

/// The query parameter of a connection URL that names fanline's schema. It is taken out
/// before the rest of the URL reaches the client, which knows no such option.
pub const SCHEMA_PARAM: &str = "fanline_schema";

/// Tunables of a [`PostgresStore`](super::PostgresStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The PostgreSQL schema fanline's tables live in (default `fanline`): lowercase ASCII
    /// letters, digits and `_`, not starting with a digit, at most 63 bytes. It is created on
    /// open if missing; the host's own tables elsewhere are never touched.
    pub schema: String,
    /// Connections this store keeps at most (default 8). Every transaction holds one for its
    /// length, so this bounds the concurrent operations of one instance.
    pub max_connections: u32,
    /// How long an operation waits for a pooled connection, including opening a new one,
    /// before it fails with `STORE_UNAVAILABLE` (default 5 s). Also the connect timeout when
    /// the URL sets none.
    pub checkout_timeout: Duration,
    /// How many times a transaction that met a serialization failure, a deadlock or a
    /// connection lost before its commit is re-run before the store gives up with
    /// `STORE_UNAVAILABLE` (default 10).
    pub max_retries: u32,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            schema: "fanline".to_string(),
            max_connections: 8,
            checkout_timeout: Duration::from_secs(5),
            max_retries: 10,
        }
    }
}

impl PostgresOptions {
    pub(super) fn validate(&self) -> Result<()> {
        validate_schema(&self.schema)?;
        if self.max_connections == 0 || self.max_connections > 1000 {
            return Err(Error::config("max_connections must be 1 to 1000"));
        }
        if self.checkout_timeout.is_zero() || self.checkout_timeout > Duration::from_secs(3600) {
            return Err(Error::config(
                "checkout_timeout must be more than 0 and at most one hour",
            ));
        }
        if self.max_retries > 1000 {
            return Err(Error::config("max_retries must be at most 1000"));
        }
        Ok(())
    }
}

/// Checks a schema name: `[a-z_][a-z0-9_]*`, at most 63 bytes, not a system schema. That
/// keeps it safe to quote into SQL and unambiguous without case folding.
pub(super) fn validate_schema(schema: &str) -> Result<()> {
    let mut chars = schema.chars();
    let valid = matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && schema.len() <= 63
        && !schema.starts_with("pg_")
        && schema != "information_schema";
    if valid {
        Ok(())
    } else {
        Err(Error::config(
            "schema must be 1 to 63 of [a-z0-9_], not starting with a digit or pg_",
        ))
    }
}

/// Splits a `postgres://` or `postgresql://` URL into the client's part and the schema named
/// by [`SCHEMA_PARAM`], if any. Error messages never quote the URL: it may hold a password.
pub(super) fn split_url(url: &str) -> Result<(String, Option<String>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let mut schema = None;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((SCHEMA_PARAM, value)) => {
                if schema.replace(value.to_string()).is_some() {
                    return Err(Error::config(format!("{SCHEMA_PARAM} is given twice")));
                }
            }
            _ if pair == SCHEMA_PARAM => {
                return Err(Error::config(format!("{SCHEMA_PARAM} needs a value")));
            }
            _ => rest.push(pair),
        }
    }
    let client_url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((client_url, schema))
}

/// Parses the client's part of a URL. The parser's own message can quote parts of the URL,
/// so it is not passed on.
pub(super) fn parse_config(url: &str) -> Result<tokio_postgres::Config> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::config(
            "a PostgreSQL URL starts with postgres:// or postgresql://",
        ));
    }
    url.parse::<tokio_postgres::Config>()
        .map_err(|_| Error::config("the PostgreSQL URL is not valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names() {
        for ok in ["fanline", "_x", "tenant_42", &"a".repeat(63)] {
            assert!(validate_schema(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Fanline",
            "1abc",
            "a-b",
            "a\"b",
            "pg_catalog",
            "information_schema",
            &"a".repeat(64),
        ] {
            assert_eq!(
                validate_schema(bad).unwrap_err().code(),
                "INVALID_CONFIG",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_schema_parameter_is_taken_out() {
        let (url, schema) =
            split_url("postgres://u:p@h/db?fanline_schema=tenant_1&connect_timeout=3").unwrap();
        assert_eq!(url, "postgres://u:p@h/db?connect_timeout=3");
        assert_eq!(schema.as_deref(), Some("tenant_1"));
        let (url, schema) = split_url("postgres://h/db?fanline_schema=x").unwrap();
        assert_eq!(
            (url.as_str(), schema.as_deref()),
            ("postgres://h/db", Some("x"))
        );
        assert_eq!(split_url("postgres://h/db").unwrap().1, None);
        assert!(split_url("postgres://h/db?fanline_schema=a&fanline_schema=b").is_err());
    }

    #[test]
    fn bad_urls_never_echo_the_password() {
        for url in [
            "postgres://user:hunter2secret@host:notaport/db",
            "postgres://user:hunter2secret@host/db?bogus_option=1",
            "mysql://user:hunter2secret@host/db",
        ] {
            let e = parse_config(url).unwrap_err();
            assert_eq!(e.code(), "INVALID_CONFIG");
            assert!(!format!("{e} {e:?}").contains("hunter2secret"), "{e:?}");
        }
    }
}
