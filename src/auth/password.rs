//! Argon2id password hashing on a small pool of dedicated, low-priority threads: a burst
//! of sign-ins or password changes queues there and never occupies the async workers, and
//! when the CPU is contended the kernel serves ordinary requests first.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;

/// Argon2id cost parameters. The default is OWASP's first recommendation
/// (m = 19 MiB, t = 2, p = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        HashCost { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("the hashing pool is closed")]
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Match { needs_rehash: bool },
    Mismatch,
}

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    pool: HashPool,
    dummy: Arc<OnceLock<String>>,
}

impl PasswordHasher {
    /// `concurrency` is the number of hashing threads: how many hashes run at once (each
    /// takes a core and `memory_kib` of memory).
    pub fn new(cost: HashCost, concurrency: usize) -> Result<Self, HashError> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        Ok(PasswordHasher {
            params,
            pool: HashPool::start(concurrency.max(1)),
            dummy: Arc::new(OnceLock::new()),
        })
    }

    pub async fn hash(&self, password: &SecretString) -> Result<String, HashError> {
        let password = password.clone();
        let params = self.params.clone();
        self.run(move || hash_now(&params, password.expose_secret())).await?
    }

    /// Verifies `password` against `stored`; with no stored hash (an unknown account) the
    /// same work is done against a dummy hash, so both answers take as long.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<&str>,
    ) -> Result<Verification, HashError> {
        let known = stored.is_some();
        let stored = match stored {
            Some(phc) => phc.to_string(),
            None => self.dummy_hash().await?,
        };
        let password = password.clone();
        let params = self.params.clone();
        let verification = self.run(move || verify_now(&params, password.expose_secret(), &stored)).await?;
        Ok(if known { verification } else { Verification::Mismatch })
    }

    async fn dummy_hash(&self) -> Result<String, HashError> {
        if let Some(existing) = self.dummy.get() {
            return Ok(existing.clone());
        }
        let secret = SecretString::from(crate::auth::token::generate("dummy_"));
        let made = self.hash(&secret).await?;
        Ok(self.dummy.get_or_init(|| made).clone())
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        self.pool.run(work).await
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads that run hashing jobs in order of arrival.
#[derive(Clone)]
struct HashPool {
    jobs: mpsc::Sender<Job>,
}

/// Hashing threads yield to request handling when both want the CPU.
#[cfg(target_os = "linux")]
const HASHING_NICENESS: libc::c_int = 10;

impl HashPool {
    fn start(threads: usize) -> HashPool {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new().name(format!("portico-hash-{n}")).spawn(move || {
                lower_this_threads_priority();
                loop {
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        HashPool { jobs }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move || {
            // A request that gave up (timed out, disconnected) no longer needs its hash.
            if !done.is_closed() {
                let _ = done.send(span.in_scope(work));
            }
        });
        self.jobs.send(job).map_err(|_| HashError::Closed)?;
        result.await.map_err(|_| HashError::Closed)
    }
}

#[cfg(target_os = "linux")]
fn lower_this_threads_priority() {
    // SAFETY: plain system calls about the calling thread; no memory is shared.
    let changed = unsafe {
        let thread_id = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread_id, HASHING_NICENESS)
    };
    if changed != 0 {
        tracing::debug!("could not lower the priority of a hashing thread");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_now(params: &Params, password: &str) -> Result<String, HashError> {
    argon2(params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon2(e.to_string()))
}

fn verify_now(params: &Params, password: &str, stored: &str) -> Verification {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verification::Mismatch;
    };
    match argon2(params).verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Verification::Match { needs_rehash: !is_current(params, &parsed) },
        Err(_) => Verification::Mismatch,
    }
}

/// Whether a stored hash already uses Argon2id, version 0x13 and the configured cost.
fn is_current(params: &Params, hash: &PasswordHash) -> bool {
    let same_algorithm = hash.algorithm == argon2::ARGON2ID_IDENT;
    let same_version = hash.version == Some(Version::V0x13.into());
    let same_cost = Params::try_from(hash).is_ok_and(|p| {
        p.m_cost() == params.m_cost() && p.t_cost() == params.t_cost() && p.p_cost() == params.p_cost()
    });
    same_algorithm && same_version && same_cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> HashCost {
        HashCost { memory_kib: 1024, iterations: 1, parallelism: 1 }
    }

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = PasswordHasher::new(cheap(), 2).expect("params");
        let secret = SecretString::from("correct horse battery staple");
        let stored = hasher.hash(&secret).await.expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert_eq!(
            hasher.verify(&secret, Some(&stored)).await.expect("verify"),
            Verification::Match { needs_rehash: false }
        );
        let wrong = SecretString::from("wrong");
        assert_eq!(hasher.verify(&wrong, Some(&stored)).await.expect("verify"), Verification::Mismatch);
        assert_eq!(hasher.verify(&secret, None).await.expect("verify"), Verification::Mismatch);
        assert_eq!(hasher.verify(&secret, Some("garbage")).await.expect("verify"), Verification::Mismatch);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_on_named_low_priority_threads() {
        let pool = HashPool::start(1);
        let (name, niceness) = pool
            .run(|| {
                // SAFETY: reads the calling thread's own scheduling priority.
                let niceness = unsafe {
                    let thread_id = libc::syscall(libc::SYS_gettid) as libc::id_t;
                    libc::getpriority(libc::PRIO_PROCESS, thread_id)
                };
                (std::thread::current().name().map(str::to_string), niceness)
            })
            .await
            .expect("job");
        assert_eq!(name.as_deref(), Some("portico-hash-0"));
        assert_eq!(niceness, HASHING_NICENESS);
    }

    #[tokio::test]
    async fn asks_for_a_rehash_when_the_cost_changed() {
        let old = PasswordHasher::new(cheap(), 1).expect("params");
        let secret = SecretString::from("correct horse battery staple");
        let stored = old.hash(&secret).await.expect("hash");
        let stronger = PasswordHasher::new(HashCost { memory_kib: 2048, ..cheap() }, 1).expect("params");
        assert_eq!(
            stronger.verify(&secret, Some(&stored)).await.expect("verify"),
            Verification::Match { needs_rehash: true }
        );
    }
}
