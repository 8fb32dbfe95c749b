//! Argon2id password hashing on a small pool of dedicated, low-priority threads: a burst
//! of sign-ins or password changes queues there (a bounded queue) and never occupies the
//! async workers, and when the CPU is contended the kernel serves ordinary requests first.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio_util::sync::CancellationToken;
use unicode_normalization::UnicodeNormalization;

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
    /// Every place in the hashing queue is taken: the caller should try again shortly.
    #[error("the password hashing queue is full")]
    Busy,
    /// The request gave up (its client left or its time ran out) before its turn came.
    #[error("the request was abandoned before its password was hashed")]
    Abandoned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Match { needs_rehash: bool },
    Mismatch,
}

/// Argon2id on a bounded queue. Password work is admitted per request
/// ([`PasswordHasher::admit`]): when `concurrency + queue` requests already hold a place the
/// next one is refused at once, so a flood can delay sign-ins by at most one queue's worth
/// of hashing instead of indefinitely.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    pool: HashPool,
    dummy: Arc<OnceLock<String>>,
    places: Arc<Semaphore>,
    capacity: usize,
}

impl PasswordHasher {
    /// `concurrency` is the number of hashing threads: how many hashes run at once (each
    /// takes a core and `memory_kib` of memory); `queue` how many more requests may wait.
    pub fn new(cost: HashCost, concurrency: usize, queue: usize) -> Result<Self, HashError> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        let threads = concurrency.max(1);
        let capacity = threads + queue;
        Ok(PasswordHasher {
            params,
            pool: HashPool::start(threads),
            dummy: Arc::new(OnceLock::new()),
            places: Arc::new(Semaphore::new(capacity)),
            capacity,
        })
    }

    /// Holds every hashing job at `gate` until it is opened: lets a test interleave password
    /// work with other requests step by step.
    pub fn with_gate(mut self, gate: Arc<HashGate>) -> Self {
        self.pool.gate = Some(gate);
        self
    }

    /// A place in the hashing queue for one request's password work, or `Busy` at once when
    /// there is none. Work of a request that has been `cancelled` by then is skipped.
    pub fn admit(&self, cancelled: &CancellationToken) -> Result<HashPermit, HashError> {
        let place = Arc::clone(&self.places).try_acquire_owned().map_err(|_| HashError::Busy)?;
        Ok(HashPermit { hasher: self.clone(), cancelled: cancelled.clone(), _place: place })
    }

    /// How many requests hold a place (running or waiting).
    pub fn in_use(&self) -> usize {
        self.capacity - self.places.available_permits()
    }

    /// How many jobs have run since start (abandoned ones are skipped, not run).
    pub fn jobs_run(&self) -> u64 {
        self.pool.ran.load(Ordering::Relaxed)
    }
}

/// One request's place in the hashing queue; its jobs run in order of arrival.
pub struct HashPermit {
    hasher: PasswordHasher,
    cancelled: CancellationToken,
    _place: OwnedSemaphorePermit,
}

impl HashPermit {
    pub async fn hash(&self, password: &SecretString) -> Result<String, HashError> {
        let password = password.clone();
        let params = self.hasher.params.clone();
        self.run(move || hash_now(&params, password.expose_secret())).await?
    }

    /// Verifies `password` against `stored`; with no stored hash (an unknown account) or one
    /// that is no hash at all (an invited member who has not chosen a password yet) the same
    /// work is done against a dummy hash, so every answer takes as long.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<&str>,
    ) -> Result<Verification, HashError> {
        let stored = stored.filter(|phc| PasswordHash::new(phc).is_ok()).map(str::to_string);
        let password = password.clone();
        let params = self.hasher.params.clone();
        let dummy = Arc::clone(&self.hasher.dummy);
        self.run(move || match stored {
            Some(phc) => verify_now(&params, password.expose_secret(), &phc),
            None => {
                let dummy = dummy.get_or_init(|| hash_now(&params, "portico dummy").unwrap_or_default());
                let _ = verify_now(&params, password.expose_secret(), dummy);
                Verification::Mismatch
            }
        })
        .await
    }

    /// Runs other CPU-heavy password work (the strength estimate) on the hashing threads.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        self.hasher.pool.run(&self.cancelled, work).await
    }
}

/// A test's hand on the hashing queue: each job waits here for a pass, and passes are
/// given out in the order the jobs arrived.
#[derive(Debug)]
pub struct HashGate {
    passes: Semaphore,
    arrived: AtomicUsize,
}

impl HashGate {
    pub fn new() -> Arc<HashGate> {
        Arc::new(HashGate { passes: Semaphore::new(0), arrived: AtomicUsize::new(0) })
    }

    /// Lets `jobs` more jobs through.
    pub fn open(&self, jobs: usize) {
        self.passes.add_permits(jobs);
    }

    /// How many jobs have arrived so far (passed or waiting): the n-th to arrive is the
    /// n-th to pass.
    pub fn arrived(&self) -> usize {
        self.arrived.load(Ordering::SeqCst)
    }

    async fn pass(&self) {
        let acquire = self.passes.acquire();
        self.arrived.fetch_add(1, Ordering::SeqCst);
        if let Ok(pass) = acquire.await {
            pass.forget();
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads that run hashing jobs in order of arrival.
#[derive(Clone)]
struct HashPool {
    jobs: mpsc::Sender<Job>,
    gate: Option<Arc<HashGate>>,
    /// Jobs that actually ran (not skipped as abandoned).
    ran: Arc<AtomicU64>,
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
        HashPool { jobs, gate: None, ran: Arc::new(AtomicU64::new(0)) }
    }

    async fn run<T: Send + 'static>(
        &self,
        cancelled: &CancellationToken,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        if let Some(gate) = &self.gate {
            gate.pass().await;
        }
        if cancelled.is_cancelled() {
            return Err(HashError::Abandoned);
        }
        let (done, result) = oneshot::channel();
        let span = tracing::Span::current();
        let (still_wanted, ran) = (cancelled.clone(), Arc::clone(&self.ran));
        let queued = std::time::Instant::now();
        let job: Job = Box::new(move || {
            metrics::histogram!("portico_hash_wait_seconds").record(queued.elapsed().as_secs_f64());
            // A request that gave up (its client left, its time ran out) no longer needs its
            // hash: skipping it costs nothing, so a flood of abandoned requests drains at once.
            if !done.is_closed() && !still_wanted.is_cancelled() {
                ran.fetch_add(1, Ordering::Relaxed);
                let _ = done.send(span.in_scope(work));
            }
        });
        self.jobs.send(job).map_err(|_| HashError::Closed)?;
        result
            .await
            .map_err(|_| if cancelled.is_cancelled() { HashError::Abandoned } else { HashError::Closed })
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

/// Hashes the NFC form of the password, so it verifies however the member's keyboard
/// composes accents.
fn hash_now(params: &Params, password: &str) -> Result<String, HashError> {
    let normalized: String = password.nfc().collect();
    argon2(params)
        .hash_password(normalized.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon2(e.to_string()))
}

/// Verifies the NFC form; a hash made before passwords were normalised may hold the raw
/// form, which is tried as well and then asks for a rehash.
fn verify_now(params: &Params, password: &str, stored: &str) -> Verification {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verification::Mismatch;
    };
    let normalized: String = password.nfc().collect();
    let matches = |candidate: &str| argon2(params).verify_password(candidate.as_bytes(), &parsed).is_ok();
    if matches(&normalized) {
        Verification::Match { needs_rehash: !is_current(params, &parsed) }
    } else if normalized != password && matches(password) {
        Verification::Match { needs_rehash: true }
    } else {
        Verification::Mismatch
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

    fn hasher(queue: usize) -> PasswordHasher {
        PasswordHasher::new(cheap(), 1, queue).expect("params")
    }

    fn permit(hasher: &PasswordHasher) -> HashPermit {
        hasher.admit(&CancellationToken::new()).expect("a place")
    }

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = hasher(1);
        let permit = permit(&hasher);
        let secret = SecretString::from("correct horse battery staple");
        let stored = permit.hash(&secret).await.expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert_eq!(
            permit.verify(&secret, Some(&stored)).await.expect("verify"),
            Verification::Match { needs_rehash: false }
        );
        let wrong = SecretString::from("wrong");
        assert_eq!(permit.verify(&wrong, Some(&stored)).await.expect("verify"), Verification::Mismatch);
        assert_eq!(permit.verify(&secret, None).await.expect("verify"), Verification::Mismatch);
        assert_eq!(permit.verify(&secret, Some("garbage")).await.expect("verify"), Verification::Mismatch);
    }

    #[tokio::test]
    async fn passwords_are_compared_in_nfc_and_raw_legacy_hashes_still_verify() {
        let hasher = hasher(1);
        let permit = permit(&hasher);
        let composed = SecretString::from("caf\u{e9} au lait");
        let decomposed = SecretString::from("cafe\u{301} au lait");
        let stored = permit.hash(&decomposed).await.expect("hash");
        assert_eq!(
            permit.verify(&composed, Some(&stored)).await.expect("verify"),
            Verification::Match { needs_rehash: false }
        );
        let params = hasher.params.clone();
        let raw = argon2(&params).hash_password("cafe\u{301} au lait".as_bytes()).expect("raw").to_string();
        assert_eq!(
            permit.verify(&decomposed, Some(&raw)).await.expect("verify"),
            Verification::Match { needs_rehash: true }
        );
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_frees_its_places() {
        let hasher = hasher(2);
        let held: Vec<HashPermit> = (0..3).map(|_| permit(&hasher)).collect();
        assert_eq!(hasher.in_use(), 3);
        assert!(matches!(hasher.admit(&CancellationToken::new()), Err(HashError::Busy)));
        drop(held);
        assert_eq!(hasher.in_use(), 0);
        assert!(hasher.admit(&CancellationToken::new()).is_ok());
    }

    #[tokio::test]
    async fn abandoned_work_is_never_started() {
        let gate = HashGate::new();
        let hasher = hasher(4).with_gate(Arc::clone(&gate));
        let cancelled = CancellationToken::new();
        let permit = hasher.admit(&cancelled).expect("place");
        let started = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&started);
        let job = tokio::spawn(async move {
            permit
                .run(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                })
                .await
        });
        while gate.arrived() == 0 {
            tokio::task::yield_now().await;
        }
        cancelled.cancel();
        gate.open(1);
        assert!(matches!(job.await.expect("task"), Err(HashError::Abandoned)));
        assert_eq!(started.load(Ordering::SeqCst), 0);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_on_named_low_priority_threads() {
        let pool = HashPool::start(1);
        let (name, niceness) = pool
            .run(&CancellationToken::new(), || {
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
        let old = hasher(1);
        let secret = SecretString::from("correct horse battery staple");
        let stored = permit(&old).hash(&secret).await.expect("hash");
        let stronger = PasswordHasher::new(HashCost { memory_kib: 2048, ..cheap() }, 1, 1).expect("params");
        assert_eq!(
            permit(&stronger).verify(&secret, Some(&stored)).await.expect("verify"),
            Verification::Match { needs_rehash: true }
        );
    }
}
