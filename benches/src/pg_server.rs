//! CPU time of a PostgreSQL server that runs on this machine, from /proc: with the clients'
//! own CPU time ([`crate::cpu`]) it gives what one operation costs in all, which other work
//! on a busy machine moves much less than it moves a rate.

use std::time::Duration;

use postgres::Client;

use crate::cpu::process_cpu;

/// The server's postmaster, when the server runs on this machine and its pid file can be read.
pub fn postmaster_pid(admin: &mut Client) -> Option<u32> {
    let row = admin.query_one("SHOW data_directory", &[]).ok()?;
    let dir: String = row.get(0);
    let pid_file = std::fs::read_to_string(format!("{dir}/postmaster.pid")).ok()?;
    pid_file.lines().next()?.trim().parse().ok()
}

/// CPU time (user + system) so far of the whole server: the postmaster, every running child
/// (backends, background writers) and, through the postmaster's `cutime`/`cstime`, every child
/// that ended (a connection replaced, an autovacuum worker), so nothing is lost when a
/// process ends inside a round. From /proc; `None` without a postmaster.
pub fn server_cpu(postmaster: Option<u32>) -> Option<Duration> {
    let postmaster = postmaster?;
    // SAFETY: sysconf only reads a configuration value.
    let ticks = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).ok()?;
    let mut total = 0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // After the command's closing parenthesis: state, ppid, ...; utime, stime, cutime
        // and cstime are the 12th to 15th (fields 14 to 17 of proc(5)).
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
            continue;
        };
        let fields: Vec<&str> = rest.split(' ').collect();
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        if pid == postmaster {
            total += tick(11) + tick(12) + tick(13) + tick(14);
        } else if fields.get(1).and_then(|f| f.parse::<u32>().ok()) == Some(postmaster) {
            total += tick(11) + tick(12);
        }
    }
    Some(Duration::from_micros(total * 1_000_000 / ticks))
}

/// CPU time of the clients (this process) and of the server from one point on, to share out
/// over the operations done since.
pub struct CpuMeter {
    postmaster: Option<u32>,
    client: Duration,
    server: Option<Duration>,
}

impl CpuMeter {
    /// Starts counting now; the server counts only with a `postmaster` (see [`postmaster_pid`]).
    pub fn start(postmaster: Option<u32>) -> CpuMeter {
        CpuMeter {
            postmaster,
            client: process_cpu(),
            server: server_cpu(postmaster),
        }
    }

    /// The CPU time since [`CpuMeter::start`], per operation of `ops`.
    pub fn per_op(&self, ops: u64) -> CpuPerOp {
        let per = |d: Duration| d.as_secs_f64() * 1e6 / ops.max(1) as f64;
        CpuPerOp {
            client_us: per(process_cpu() - self.client),
            server_us: self
                .server
                .zip(server_cpu(self.postmaster))
                .map(|(before, after)| per(after - before)),
        }
    }
}

/// CPU time (user + system) per operation, in microseconds.
pub struct CpuPerOp {
    /// Of the clients (this process).
    pub client_us: f64,
    /// Of the server, when it runs on this machine.
    pub server_us: Option<f64>,
}

impl CpuPerOp {
    /// Clients and server together (the clients alone without a server figure).
    pub fn total_us(&self) -> f64 {
        self.client_us + self.server_us.unwrap_or(0.0)
    }
}

impl std::fmt::Display for CpuPerOp {
    /// `clients+server=total us`, or `clients us (clients)` without a server figure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.server_us {
            Some(server) => write!(
                f,
                "{:.0}+{server:.0}={:.0} us",
                self.client_us,
                self.total_us()
            ),
            None => write!(f, "{:.0} us (clients)", self.client_us),
        }
    }
}
