//! When a failed attempt is made again, and how long the client waits first.
//!
//! The classes, from the most to the least certain that the server did nothing:
//! - 429: the request was not processed; retried for every method;
//! - a connection that failed before anything was sent: retried for every method;
//! - 502, 503, 504, a timeout or a connection lost mid-request: the request may have been
//!   processed, so only idempotent methods (and the others on opt-in) are retried;
//! - every other error is returned at once.

use std::time::Duration;

/// When and how often a failed request is sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The wait before the first retry when the server gives no `Retry-After`; doubled for
    /// each further retry, with random jitter (between half and all of it).
    pub initial_backoff: Duration,
    /// The longest wait between two attempts without `Retry-After`.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more gets its error returned
    /// at once.
    pub max_retry_after: Duration,
    /// Whether POST and PATCH, which are not idempotent, are retried on 502, 503, 504 and
    /// transport errors too (they always are on 429 and on a connection that failed before
    /// sending).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            retry_non_idempotent: false,
        }
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(u16),
    /// No connection: nothing was sent.
    Connect,
    /// The connection failed or timed out after the request may have been sent.
    Transport,
}

impl RetryPolicy {
    /// Whether an attempt that failed so is made again (attempts permitting).
    pub(crate) fn retries(&self, method: &reqwest::Method, failure: Failure) -> bool {
        use reqwest::Method;
        let idempotent = matches!(
            *method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        );
        match failure {
            Failure::Status(429) | Failure::Connect => true,
            Failure::Status(502..=504) | Failure::Transport => {
                idempotent || self.retry_non_idempotent
            }
            Failure::Status(_) => false,
        }
    }

    /// How long to wait before attempt `attempt + 1`; `None` when the server's wait is longer
    /// than we are willing to wait.
    pub(crate) fn delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let doubling = 2u32.saturating_pow(attempt.saturating_sub(1));
        let backoff = self.initial_backoff.saturating_mul(doubling).min(self.max_backoff);
        Some(backoff.mul_f64(0.5 + 0.5 * unit_random()))
    }
}

/// A `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110). Negative numbers,
/// fractions and text that is neither give `None`, and the client falls back to its backoff; a
/// date in the past is no wait.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Past u64 seconds is "longer than anyone waits".
        return Some(value.parse().map(Duration::from_secs).unwrap_or(Duration::MAX));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let at = u64::try_from(date.timestamp()).unwrap_or(0);
    Some(Duration::from_secs(at).saturating_sub(now))
}

/// A number in [0, 1) for jitter: from the operating system's random source, or from the
/// clock if it fails.
fn unit_random() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        bytes = u64::from(nanos).to_le_bytes();
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for (attempt, full) in [(1, 100), (2, 200), (3, 350), (9, 350)] {
            let delay = policy.delay(attempt, None).unwrap();
            let full = Duration::from_millis(full);
            assert!(delay >= full / 2 && delay <= full, "attempt {attempt}: {delay:?}");
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(121))), None);
    }

    #[test]
    fn what_is_retried_depends_on_what_the_server_may_have_done() {
        let policy = RetryPolicy::default();
        for method in
            [Method::GET, Method::PUT, Method::DELETE, Method::POST, Method::PATCH]
        {
            assert!(policy.retries(&method, Failure::Status(429)), "{method}");
            assert!(policy.retries(&method, Failure::Connect), "{method}");
            assert!(!policy.retries(&method, Failure::Status(500)), "{method}");
            assert!(!policy.retries(&method, Failure::Status(400)), "{method}");
        }
        for failure in [
            Failure::Status(502),
            Failure::Status(503),
            Failure::Status(504),
            Failure::Transport,
        ] {
            assert!(policy.retries(&Method::GET, failure), "{failure:?}");
            assert!(policy.retries(&Method::DELETE, failure), "{failure:?}");
            assert!(!policy.retries(&Method::POST, failure), "{failure:?}");
            let opted_in = RetryPolicy {
                retry_non_idempotent: true,
                ..RetryPolicy::default()
            };
            assert!(opted_in.retries(&Method::POST, failure), "{failure:?}");
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("99999999999999999999999"), Some(Duration::MAX));
        for garbage in ["-5", "1.5", "soon", "", "Thu, 99 Foo 2026 00:00:00 GMT"] {
            assert_eq!(parse_retry_after(garbage), None, "{garbage:?}");
        }
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let later = chrono::DateTime::from_timestamp(now as i64 + 30, 0).unwrap();
        let wait = parse_retry_after(&later.to_rfc2822()).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }
}
