//! Authentication: bearer tokens, service accounts (OAuth 2.0 client credentials exchanged for
//! a cached access token) and programmatic API keys with HTTP Digest.
//!
//! Secrets are kept in [`Secret`], wiped from memory when dropped and never printed; the
//! `Authorization` header of a token is built once, marked sensitive, and shared by the
//! requests that use it instead of being formatted into a new string each time.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use super::digest;
use super::error::Error;
use super::transport::{read_limited, Prepared};

/// A value that must never be printed; its memory is zeroed when it is dropped.
#[derive(Clone)]
pub(crate) struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An `Authorization` header value, marked sensitive (HTTP/2 never indexes it, and `Debug`
/// prints it redacted). `None` when the value is not a valid header value.
pub(crate) fn sensitive_header(value: &str) -> Option<HeaderValue> {
    let mut header = HeaderValue::from_str(value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// `Bearer <token>` as a sensitive header value; `None` when the token cannot be one.
fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    sensitive_header(&Zeroizing::new(format!("Bearer {}", token.expose())))
}

/// A bearer token and its ready-made header.
pub(crate) struct Bearer {
    header: HeaderValue,
    // Kept so the token's text is wiped on drop; the header shares nothing with it.
    _token: Secret,
}

impl Bearer {
    pub fn new(token: Secret) -> Result<Self, Error> {
        let header = bearer_header(&token).ok_or_else(|| Error::Config {
            message: "the bearer token holds characters a header cannot".to_string(),
        })?;
        Ok(Self { header, _token: token })
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bearer(<redacted>)")
    }
}

/// How requests are authenticated.
#[derive(Debug)]
pub(crate) enum Auth {
    None,
    Bearer(Bearer),
    ServiceAccount(ServiceAccount),
    Digest(DigestAuth),
}

impl Auth {
    /// Sends a request, authenticated. Answers a digest challenge, or refreshes a service
    /// account token the server rejected, once.
    pub async fn send(
        &self,
        http: &reqwest::Client,
        request: &Prepared<'_>,
    ) -> Result<reqwest::Response, Error> {
        match self {
            Self::None => request.send(http, None).await,
            Self::Bearer(bearer) => request.send(http, Some(bearer.header.clone())).await,
            Self::ServiceAccount(account) => account.send(http, request).await,
            Self::Digest(digest) => digest.send(http, request).await,
        }
    }
}

/// A token is refreshed this long before it expires, so it does not expire in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// The lifetime of a token whose `expires_in` is missing or not a number.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// No token is trusted for longer than this, whatever `expires_in` says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The default of [`ClientBuilder::min_token_interval`](super::client::ClientBuilder::min_token_interval):
/// Atlas allows about ten token requests a minute.
pub(crate) const MIN_FETCH_INTERVAL: Duration = Duration::from_secs(6);

/// The most of a token endpoint's body that is read.
const MAX_TOKEN_BODY: usize = 64 * 1024;

struct CachedToken {
    /// Fetched because the server rejected the token before it.
    after_rejection: bool,
    header: HeaderValue,
    /// Kept so the token's text is wiped when the token is replaced.
    #[allow(dead_code)]
    value: Secret,
    fetched_at: Instant,
    refresh_at: Instant,
}

/// The last failed exchange.
struct Failure {
    at: Instant,
    kind: FetchFailure,
}

/// Why an exchange at the token endpoint failed.
#[derive(Clone)]
enum FetchFailure {
    /// The endpoint answered, but not with a token (it refused the credentials, or failed):
    /// every request's answer until the minimum interval has passed.
    Answered(String),
    /// No token for now: the endpoint could not be reached, its answer stopped arriving, or it
    /// answered that it is unavailable (429, 500, 502, 503, 504). The answer of the requests
    /// that waited for that exchange only; the next one asks again.
    Unreachable(TokenUnreachable),
}

impl FetchFailure {
    fn error(&self) -> Error {
        match self {
            Self::Answered(message) => Error::Auth { message: message.clone() },
            Self::Unreachable(cause) if cause.0.timeout() => Error::Timeout {
                source: Box::new(cause.clone()),
            },
            Self::Unreachable(cause) => Error::Transport {
                source: Box::new(cause.clone()),
            },
        }
    }
}

/// The cause of the [`Error::Transport`] (or [`Error::Timeout`]) of a token endpoint that could
/// not be reached, whose answer stopped arriving, or that answered it is unavailable: names
/// the endpoint and what happened; a transport cause (the `reqwest` error) is its
/// [`source`](std::error::Error::source). The request the token was for was not sent, so it is
/// retried as a connection that failed before sending; the requests that waited for the same
/// exchange share it.
#[derive(Clone)]
pub(crate) struct TokenUnreachable(Arc<Unreachable>);

struct Unreachable {
    url: String,
    cause: Cause,
}

enum Cause {
    Transport {
        timeout: bool,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An answer that says "not now": its status and the start of its body.
    Unavailable {
        status: u16,
        excerpt: String,
    },
}

impl Unreachable {
    fn timeout(&self) -> bool {
        matches!(self.cause, Cause::Transport { timeout: true, .. })
    }
}

impl TokenUnreachable {
    /// From the transport error of an exchange (a [`Error::Transport`] or [`Error::Timeout`]);
    /// any other error is given back.
    fn new(url: &str, error: Error) -> Result<Self, Error> {
        let (timeout, source) = match error {
            Error::Transport { source } => (false, source),
            Error::Timeout { source } => (true, source),
            other => return Err(other),
        };
        let cause = Cause::Transport { timeout, source };
        Ok(Self(Arc::new(Unreachable {
            url: url.to_string(),
            cause,
        })))
    }

    /// From an answer whose status says the endpoint is unavailable for now (429 or a 5xx a
    /// request would be retried on), or `None` for any other status.
    fn unavailable(url: &str, status: u16, body: &[u8]) -> Option<Self> {
        if !matches!(status, 429 | 500 | 502 | 503 | 504) {
            return None;
        }
        let excerpt = super::error::excerpt(body);
        let cause = Cause::Unavailable { status, excerpt };
        Some(Self(Arc::new(Unreachable {
            url: url.to_string(),
            cause,
        })))
    }
}

impl fmt::Display for TokenUnreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.0.url;
        match &self.0.cause {
            Cause::Transport { timeout: true, .. } => {
                write!(f, "the token endpoint {url} did not answer in time")
            }
            Cause::Transport { .. } => {
                write!(f, "the token endpoint {url} could not be reached")
            }
            Cause::Unavailable { status, excerpt } => {
                write!(
                    f,
                    "the token endpoint {url} is unavailable (HTTP {status}: {excerpt})"
                )
            }
        }
    }
}

impl fmt::Debug for TokenUnreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("TokenUnreachable");
        debug.field("url", &self.0.url);
        match &self.0.cause {
            Cause::Transport { timeout, source } => {
                debug.field("timeout", timeout).field("source", source)
            }
            Cause::Unavailable { status, excerpt } => {
                debug.field("status", status).field("body", excerpt)
            }
        };
        debug.finish()
    }
}

impl std::error::Error for TokenUnreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.cause {
            Cause::Transport { source, .. } => Some(source.as_ref()),
            Cause::Unavailable { .. } => None,
        }
    }
}

#[derive(Default)]
struct TokenState {
    token: Option<CachedToken>,
    failure: Option<Failure>,
}

/// OAuth 2.0 client credentials exchanged at the token endpoint for an access token, which is
/// cached until shortly before it expires.
///
/// The endpoint is asked at most once per `min_interval`, whatever the server says: a token
/// that expires sooner is used that long, a failed answer is the answer of every request
/// until the interval has passed (waiting requests share the one exchange), and a rejected
/// token is replaced at once only if it was not itself a replacement, so a persistent 401
/// does not fetch a token per request. An endpoint that cannot be reached has said nothing:
/// the requests waiting for that exchange share its transport error, and the next request (a
/// retry) asks again.
pub(crate) struct ServiceAccount {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    min_interval: Duration,
    state: tokio::sync::Mutex<TokenState>,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    // Moved into a `Secret` as soon as it is read, so no copy is left behind.
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// How long a token lives, from the `expires_in` the endpoint sent: whole seconds, clamped to
/// [`MAX_LIFETIME`]; zero or negative is already expired; anything else (missing, a string,
/// a fraction) is [`DEFAULT_LIFETIME`].
pub(crate) fn token_lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let Some(number) = expires_in.and_then(serde_json::Value::as_number) else {
        return DEFAULT_LIFETIME;
    };
    if let Some(seconds) = number.as_u64() {
        Duration::from_secs(seconds).min(MAX_LIFETIME)
    } else if number.as_i64().is_some() {
        Duration::ZERO
    } else {
        match number.as_f64() {
            Some(seconds) if seconds <= 0.0 => Duration::ZERO,
            Some(seconds) if seconds < MAX_LIFETIME.as_secs_f64() => {
                Duration::from_secs_f64(seconds)
            }
            _ => MAX_LIFETIME,
        }
    }
}

impl ServiceAccount {
    pub fn new(
        client_id: String,
        client_secret: Secret,
        token_url: String,
        min_interval: Duration,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            token_url,
            min_interval,
            state: tokio::sync::Mutex::new(TokenState::default()),
        }
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        request: &Prepared<'_>,
    ) -> Result<reqwest::Response, Error> {
        let first = self.token(http, None).await?;
        let response = request.send(http, Some(first.clone())).await?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // The token was revoked or expired early: get a new one and try once more, unless the
        // endpoint was asked too recently (a persistent 401 does not fetch a token per request).
        let second = self.token(http, Some(&first)).await?;
        if second == first {
            return Ok(response);
        }
        request.send(http, Some(second)).await
    }

    /// The header of the cached token, or of a new one. `rejected` is a token the server
    /// refused: it is replaced, unless another request replaced it already, or it was itself
    /// fetched for a rejection less than the minimum interval ago.
    async fn token(
        &self,
        http: &reqwest::Client,
        rejected: Option<&HeaderValue>,
    ) -> Result<HeaderValue, Error> {
        let asked_at = Instant::now();
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let mut after_rejection = false;
        if let Some(cached) = &state.token {
            let fresh = now.duration_since(cached.fetched_at) < self.min_interval;
            let refused = rejected.is_some_and(|r| *r == cached.header);
            let keep = if refused {
                cached.after_rejection && fresh
            } else {
                now < cached.refresh_at
            };
            if keep {
                return Ok(cached.header.clone());
            }
            after_rejection = refused;
        }
        let shared = |failure: &&Failure| match failure.kind {
            FetchFailure::Answered(_) => {
                now.duration_since(failure.at) < self.min_interval
            }
            // Only for the requests that were waiting while it failed.
            FetchFailure::Unreachable(_) => failure.at >= asked_at,
        };
        if let Some(failure) = state.failure.as_ref().filter(shared) {
            return Err(failure.kind.error());
        }
        match self.fetch(http, after_rejection).await {
            Ok(token) => {
                let header = token.header.clone();
                state.token = Some(token);
                state.failure = None;
                Ok(header)
            }
            Err(kind) => {
                let error = kind.error();
                state.failure = Some(Failure { at: Instant::now(), kind });
                Err(error)
            }
        }
    }

    /// One exchange at the token endpoint.
    async fn fetch(
        &self,
        http: &reqwest::Client,
        after_rejection: bool,
    ) -> Result<CachedToken, FetchFailure> {
        let answered = FetchFailure::Answered;
        let requested_at = Instant::now();
        let url = &self.token_url;
        let basic = sensitive_header(&basic_credentials(
            &self.client_id,
            self.client_secret.expose(),
        ))
        .ok_or_else(|| {
            answered("the client id holds characters a header cannot".to_string())
        })?;
        // A transport failure, with its cause; any other error is the endpoint's answer.
        let failed = |error: Error, answer: &str| match TokenUnreachable::new(url, error)
        {
            Ok(cause) => FetchFailure::Unreachable(cause),
            Err(error) => answered(format!("the token endpoint {url} {answer}: {error}")),
        };
        let response = http
            .post(url)
            .header(reqwest::header::AUTHORIZATION, basic)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|e| failed(Error::transport(e), "could not be reached"))?;
        let status = response.status();
        let body = read_limited(response, MAX_TOKEN_BODY)
            .await
            .map_err(|e| failed(e, "answered"))?;
        if let Some(cause) = TokenUnreachable::unavailable(url, status.as_u16(), &body) {
            return Err(FetchFailure::Unreachable(cause));
        }
        if !status.is_success() {
            return Err(answered(format!(
                "the token endpoint {url} answered HTTP {}: {}",
                status.as_u16(),
                super::error::excerpt(&body)
            )));
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            answered(format!(
                "the token endpoint {url} answered an unreadable token: {e}"
            ))
        })?;
        let lifetime = token_lifetime(token.expires_in.as_ref());
        // Refresh a margin before expiry; a token shorter-lived than twice the margin is
        // refreshed halfway through its life, and none sooner than the minimum interval.
        let margin = EXPIRY_MARGIN.min(lifetime / 2);
        let refresh_in = (lifetime - margin).max(self.min_interval);
        let refresh_at = requested_at.checked_add(refresh_in).unwrap_or(requested_at);
        let value = Secret::new(token.access_token);
        let Some(header) = bearer_header(&value) else {
            return Err(answered(format!(
                "the token endpoint {url} answered a token that is not a header value"
            )));
        };
        Ok(CachedToken {
            after_rejection,
            header,
            value,
            fetched_at: requested_at,
            refresh_at,
        })
    }
}

/// `Basic base64(id:secret)`, in a buffer that is wiped when dropped.
fn basic_credentials(id: &str, secret: &str) -> Zeroizing<String> {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let plain = Zeroizing::new(format!("{id}:{secret}"));
    let bytes = plain.as_bytes();
    let mut out = Zeroizing::new(String::with_capacity(6 + bytes.len().div_ceil(3) * 4));
    out.push_str("Basic ");
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The nonce a digest server handed out, reused with an increasing count.
struct DigestSession {
    challenge: digest::Challenge,
    nc: u32,
    /// HA1, computed once per nonce (for `-sess`, with the first request's client nonce).
    ha1: Option<Zeroizing<String>>,
}

/// HTTP Digest with a programmatic API key (public key as user name, private key as
/// password).
pub(crate) struct DigestAuth {
    public_key: String,
    private_key: Secret,
    session: Mutex<Option<DigestSession>>,
}

impl fmt::Debug for DigestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestAuth")
            .field("public_key", &self.public_key)
            .field("private_key", &self.private_key)
            .finish_non_exhaustive()
    }
}

impl DigestAuth {
    pub fn new(public_key: String, private_key: Secret) -> Self {
        Self {
            public_key,
            private_key,
            session: Mutex::new(None),
        }
    }

    /// The `Authorization` header for the next request under the current nonce, if any. The
    /// count is taken under the lock, so no two requests send the same `nc`.
    fn next_authorization(
        &self,
        request: &Prepared<'_>,
    ) -> Result<Option<HeaderValue>, Error> {
        let cnonce = client_nonce()?;
        let mut session =
            self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(session) = session.as_mut() else {
            return Ok(None);
        };
        session.nc = session.nc.checked_add(1).ok_or_else(|| Error::Auth {
            message: "the digest nonce count is used up".to_string(),
        })?;
        let ha1 = session.ha1.get_or_insert_with(|| {
            digest::ha1(
                &session.challenge,
                &self.public_key,
                self.private_key.expose(),
                &cnonce,
            )
        });
        let header = digest::authorization(
            &session.challenge,
            ha1,
            &self.public_key,
            request.method.as_str(),
            &request.digest_uri(),
            session.nc,
            &cnonce,
        );
        Ok(sensitive_header(&header))
    }

    /// Takes a new challenge. The same nonce again keeps its count (a request that raced
    /// another's 401 must not reuse a count), a new one starts from zero.
    fn accept(&self, challenge: digest::Challenge) {
        let mut session =
            self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if session.as_ref().is_some_and(|s| s.challenge == challenge) {
            return;
        }
        *session = Some(DigestSession {
            challenge,
            nc: 0,
            ha1: None,
        });
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        request: &Prepared<'_>,
    ) -> Result<reqwest::Response, Error> {
        let response = request.send(http, self.next_authorization(request)?).await?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let challenges = response.headers().get_all(reqwest::header::WWW_AUTHENTICATE);
        let Some(challenge) =
            digest::parse_challenges(challenges.iter().filter_map(|v| v.to_str().ok()))
        else {
            // Not a digest challenge (or one we cannot answer): the 401 is the answer.
            return Ok(response);
        };
        // A new nonce (first contact, or `stale=true`) is answered; the challenge we just
        // answered is the server's no.
        self.accept(challenge);
        request.send(http, self.next_authorization(request)?).await
    }
}

/// A fresh client nonce: 128 bits from the operating system's random source.
fn client_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Auth {
        message: format!("no random client nonce for digest authentication: {e}"),
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_lifetimes_are_clamped() {
        let hour = Duration::from_secs(3600);
        for (expires_in, lifetime) in [
            (Some(json!(120)), Duration::from_secs(120)),
            (Some(json!(0)), Duration::ZERO),
            (Some(json!(-5)), Duration::ZERO),
            (Some(json!(u64::MAX)), MAX_LIFETIME),
            (Some(json!(1e300)), MAX_LIFETIME),
            (Some(json!(1.5)), Duration::from_millis(1500)),
            (Some(json!("3600")), hour),
            (Some(json!(null)), hour),
            (None, hour),
        ] {
            assert_eq!(token_lifetime(expires_in.as_ref()), lifetime, "{expires_in:?}");
        }
    }

    #[test]
    fn basic_credentials_are_base64() {
        assert_eq!(
            &*basic_credentials("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(&*basic_credentials("a", "b"), "Basic YTpi");
        assert_eq!(&*basic_credentials("ab", "c"), "Basic YWI6Yw==");
    }

    #[test]
    fn authorization_headers_are_marked_sensitive() {
        let bearer = Bearer::new(Secret::new("token".to_string())).unwrap();
        assert!(bearer.header.is_sensitive());
        assert_eq!(format!("{:?}", bearer.header), "Sensitive");
        assert!(sensitive_header("Digest x").unwrap().is_sensitive());
        // A token that cannot be a header is a configuration error, not a panic.
        assert!(Bearer::new(Secret::new("bad\ntoken".to_string())).is_err());
    }

    #[test]
    fn client_nonces_differ() {
        let a = client_nonce().unwrap();
        let b = client_nonce().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
