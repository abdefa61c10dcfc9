//! Opening a store and building an engine for the commands that run engine operations
//! (`sweep`, `metrics`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fanline::billing::BillingPolicy;
use fanline::engine::FanlineConfig;
use fanline::share::ShareKeyRing;
use fanline::store::admin::StoreAdmin;
use fanline::store::{open_store, Store};
use fanline::{Error, Fanline, Flags, Result};

/// Opens the store `spec` for engine work, refusing a schema other than this build's:
/// opening would otherwise migrate it forward under a running backend of an older release,
/// or fail on a newer one. `fanline migrate up` is the explicit way to move it.
pub fn open(spec: &str) -> Result<Arc<dyn Store>> {
    let admin = StoreAdmin::new(spec)?;
    let (have, need) = (admin.schema_version()?, admin.latest_version());
    if have != need {
        return Err(Error::config(format!(
            "the database has schema version {have} and this build needs {need}: {}",
            if have < need {
                "run `fanline migrate up` first"
            } else {
                "use the fanline release that wrote it"
            }
        )));
    }
    open_store(spec)
}

/// What the engine needs besides the store: the backend's own configuration file
/// (`--config`, the `FanlineConfig` JSON its Node or Python engine is built from), or the
/// pieces one by one. Secrets come from the environment or the file, so they stay out of the
/// process list; no `Debug`, so they cannot be printed by accident. Without a file the billing
/// policy and the ledger switch are required: the sweeper settles calls, and must do it on the
/// backend's terms, never on defaults nobody chose.
#[derive(clap::Args)]
pub struct EngineArgs {
    /// The backend's engine configuration as a JSON file (`FanlineConfig`: store, agora,
    /// shareKeys, billing, ledger, limits, ...). Its `store` must name the `--store` store.
    #[arg(long, env = "FANLINE_CONFIG")]
    config: Option<PathBuf>,
    /// Agora App ID (32 hex characters).
    #[arg(
        long,
        env = "FANLINE_AGORA_APP_ID",
        hide_env_values = true,
        required_unless_present = "config",
        conflicts_with = "config"
    )]
    agora_app_id: Option<String>,
    /// Agora App Certificate (32 hex characters).
    #[arg(
        long,
        env = "FANLINE_AGORA_APP_CERTIFICATE",
        hide_env_values = true,
        required_unless_present = "config",
        conflicts_with = "config"
    )]
    agora_app_certificate: Option<String>,
    /// Share-link key (at least 32 bytes). The sweeper mints and verifies no share link, so
    /// without one a random key is used.
    #[arg(
        long,
        env = "FANLINE_SHARE_KEY",
        hide_env_values = true,
        conflicts_with = "config"
    )]
    share_key: Option<String>,
    /// The billing policy as JSON, exactly as the backend configures it (for example
    /// `{"ratePerMinute":10,"feeBps":2000}`, or `{}` for the core's defaults).
    #[arg(
        long,
        env = "FANLINE_BILLING",
        required_unless_present = "config",
        conflicts_with = "config"
    )]
    billing: Option<String>,
    /// Whether calls are charged through the ledger, as the backend configures it.
    #[arg(
        long,
        env = "FANLINE_LEDGER",
        action = clap::ArgAction::Set,
        required_unless_present = "config",
        conflicts_with = "config"
    )]
    ledger: Option<bool>,
}

impl EngineArgs {
    /// Builds the engine over `store`, opened from `spec`; every mistake is `INVALID_CONFIG`.
    pub fn build(&self, spec: &str, store: Arc<dyn Store>) -> Result<Fanline> {
        if let Some(path) = &self.config {
            return from_file(path, spec, store);
        }
        let missing = |name: &str| Error::config(format!("--{name} is required without --config"));
        let share_keys = match &self.share_key {
            Some(key) => ShareKeyRing::new(1, key.as_bytes())?,
            None => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key)
                    .map_err(|e| Error::internal(format!("no randomness: {e}")))?;
                ShareKeyRing::new(1, &key)?
            }
        };
        let app_id = self
            .agora_app_id
            .as_deref()
            .ok_or_else(|| missing("agora-app-id"))?;
        let certificate = self
            .agora_app_certificate
            .as_deref()
            .ok_or_else(|| missing("agora-app-certificate"))?;
        let billing = self.billing.as_deref().ok_or_else(|| missing("billing"))?;
        let ledger = self.ledger.ok_or_else(|| missing("ledger"))?;
        let policy: BillingPolicy =
            serde_json::from_str(billing).map_err(|e| Error::config(format!("--billing: {e}")))?;
        Fanline::builder()
            .store(store)
            .agora(app_id, certificate)
            .share_keys(share_keys)
            .flags(Flags::all_on())
            .ledger(ledger)
            .billing(policy)
            .build()
    }
}

/// The engine the backend's configuration file describes, over `store`.
fn from_file(path: &Path, spec: &str, store: Arc<dyn Store>) -> Result<Fanline> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::config(format!("--config {}: {e}", path.display())))?;
    let config = FanlineConfig::from_json(&text)?;
    if config.store != spec {
        // Neither value is printed: a PostgreSQL URL may carry a password.
        return Err(Error::config(
            "the --config file's store is not the --store store: point both at the same database",
        ));
    }
    Ok(config.build_with_store(store)?.engine)
}
