//! Opening a store and building an engine for the commands that run engine operations
//! (`sweep`, `metrics`).

use std::sync::Arc;

use fanline::billing::BillingPolicy;
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

/// What the engine needs besides the store. Secrets come from the environment by default so
/// they stay out of the process list; no `Debug`, so they cannot be printed by accident. The
/// billing policy and the ledger switch are required: the sweeper settles calls, and must do
/// it on the backend's terms, never on defaults nobody chose.
#[derive(clap::Args)]
pub struct EngineArgs {
    /// Agora App ID (32 hex characters).
    #[arg(long, env = "FANLINE_AGORA_APP_ID", hide_env_values = true)]
    agora_app_id: String,
    /// Agora App Certificate (32 hex characters).
    #[arg(long, env = "FANLINE_AGORA_APP_CERTIFICATE", hide_env_values = true)]
    agora_app_certificate: String,
    /// Share-link key (at least 32 bytes). The sweeper mints and verifies no share link, so
    /// without one a random key is used.
    #[arg(long, env = "FANLINE_SHARE_KEY", hide_env_values = true)]
    share_key: Option<String>,
    /// The billing policy as JSON, exactly as the backend configures it (for example
    /// `{"ratePerMinute":10,"feeBps":2000}`, or `{}` for the core's defaults).
    #[arg(long, env = "FANLINE_BILLING")]
    billing: String,
    /// Whether calls are charged through the ledger, as the backend configures it.
    #[arg(long, env = "FANLINE_LEDGER", action = clap::ArgAction::Set)]
    ledger: bool,
}

impl EngineArgs {
    /// Builds the engine over `store`; every mistake is `INVALID_CONFIG`.
    pub fn build(&self, store: Arc<dyn Store>) -> Result<Fanline> {
        let share_keys = match &self.share_key {
            Some(key) => ShareKeyRing::new(1, key.as_bytes())?,
            None => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key)
                    .map_err(|e| Error::internal(format!("no randomness: {e}")))?;
                ShareKeyRing::new(1, &key)?
            }
        };
        let mut builder = Fanline::builder()
            .store(store)
            .agora(&self.agora_app_id, &self.agora_app_certificate)
            .share_keys(share_keys)
            .flags(Flags::all_on())
            .ledger(self.ledger);
        let policy: BillingPolicy = serde_json::from_str(&self.billing)
            .map_err(|e| Error::config(format!("--billing: {e}")))?;
        builder = builder.billing(policy);
        builder.build()
    }
}
