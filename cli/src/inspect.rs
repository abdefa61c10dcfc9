//! `fanline inspect-token`: the core's token inspector (`fanline::agora::inspect_token`) on
//! the command line, for support: what a token grants, until when, and whether it verifies.

use std::io::Read;
use std::process::ExitCode;

use fanline::agora::inspect_token;
use fanline::{Error, Result};

use crate::report::{self, say, Format};

/// Arguments of `inspect-token`.
#[derive(clap::Args)]
pub struct Args {
    /// The token (`007...`), or `-` to read it from stdin (keeps it out of the process list).
    token: String,
    /// The App Certificate (32 hex characters) to verify the signature with.
    #[arg(long, env = "FANLINE_AGORA_APP_CERTIFICATE", hide_env_values = true)]
    certificate: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Prints the inspection; exit status 1 when a certificate was given and the signature does
/// not verify.
pub fn run(args: Args) -> Result<ExitCode> {
    let token = if args.token == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Error::invalid(format!("cannot read the token from stdin: {e}")))?;
        text.trim().to_string()
    } else {
        args.token
    };
    let inspection = inspect_token(&token, args.certificate.as_deref())?;
    match args.format {
        Format::Json => report::json(&inspection)?,
        Format::Human => print_human(&inspection)?,
    }
    Ok(if inspection.signature_valid == Some(false) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_human(t: &fanline::agora::TokenInspection) -> Result<()> {
    say!("version     {}", t.version);
    say!("app id      {}", t.app_id);
    say!("issued at   {} (issueTs {})", t.issued_at, t.issue_ts);
    say!("expires at  {} (expire {} s)", t.expires_at, t.expire);
    say!("salt        {}", t.salt);
    if let Some(channel) = &t.channel {
        say!("channel     {channel}");
    }
    if let Some(uid) = &t.uid {
        match t.numeric_uid {
            Some(n) => say!("uid         {n}"),
            None => say!("account     {uid}"),
        }
    }
    if let Some(user) = &t.rtm_user_id {
        say!("rtm user    {user}");
    }
    let signature = match t.signature_valid {
        Some(true) => "valid",
        Some(false) => "INVALID",
        None => "not checked (no --certificate)",
    };
    say!("signature   {signature}");
    for s in &t.services {
        let fields = serde_json::to_value(&s.fields).map_err(Error::internal)?;
        say!("service     {} ({}) {fields}", s.name, s.service_type);
        for p in &s.privileges {
            say!(
                "  {:<20} expire {} s, at {}",
                p.name.unwrap_or("unknown"),
                p.expire,
                p.expires_at
            );
        }
    }
    if let Some(kind) = t.unparsed_service_type {
        say!("unparsed    service type {kind} and everything after it");
    }
    Ok(())
}
