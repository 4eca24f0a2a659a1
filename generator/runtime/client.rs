//! The client: one connection pool, credentials, retries, and the way every operation's
//! request is sent and its response read.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{Auth, DigestAuth, Secret, ServiceAccount};
use super::error::Error;
use super::models::codec;
use super::request::Request;
use super::ApiErrorBody;

pub use super::DEFAULT_BASE_URL;

/// A client of the API. Cheap to clone: clones share one connection pool and credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    retry: RetryPolicy,
    unknown_fields: codec::UnknownFields,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("unknown_fields", &self.inner.unknown_fields)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Whether request bodies carry the fields models keep but do not know.
    pub(crate) fn unknown_fields(&self) -> codec::UnknownFields {
        self.inner.unknown_fields
    }
}

/// When and how often a request the server throttled (429) or could not serve (503) is sent
/// again.
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
    /// Whether POST and PATCH, which are not idempotent, are retried too.
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

impl RetryPolicy {
    fn allows(&self, method: &reqwest::Method) -> bool {
        use reqwest::Method;
        let idempotent = matches!(
            *method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        );
        idempotent || self.retry_non_idempotent
    }

    /// How long to wait before attempt `attempt + 1`; `None` when the server's wait is longer
    /// than we are willing to wait.
    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let doubling = 2u32.saturating_pow(attempt.saturating_sub(1));
        let backoff = self.initial_backoff.saturating_mul(doubling).min(self.max_backoff);
        Some(backoff.mul_f64(0.5 + 0.5 * unit_random()))
    }
}

/// A number in [0, 1) from the process's randomly keyed hasher; enough for jitter.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    auth: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    unknown_fields: codec::UnknownFields,
}

enum Credentials {
    None,
    Bearer(Secret),
    ServiceAccount { client_id: String, client_secret: Secret },
    Digest { public_key: String, private_key: Secret },
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Credentials::None => "none",
            Credentials::Bearer(_) => "bearer token",
            Credentials::ServiceAccount { .. } => "service account",
            Credentials::Digest { .. } => "digest",
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &auth)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("unknown_fields", &self.unknown_fields)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: Credentials::None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            retry: RetryPolicy::default(),
            user_agent: format!(
                "{}/{}",
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION")
            ),
            unknown_fields: codec::UnknownFields::Keep,
        }
    }
}

impl ClientBuilder {
    /// The server, e.g. `https://cloud.mongodb.com` (the default) or a mock server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Authenticates with an OAuth 2.0 access token (`Authorization: Bearer ...`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Credentials::Bearer(Secret::new(token.into()));
        self
    }

    /// Authenticates as a service account: the client id and secret are exchanged at
    /// `{base_url}/api/oauth/token` for an access token, cached until shortly before it
    /// expires and fetched again when the server rejects it.
    pub fn service_account(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth = Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret.into()),
        };
        self
    }

    /// Authenticates with a programmatic API key over HTTP Digest (RFC 7616).
    pub fn digest(
        mut self,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Self {
        self.auth = Credentials::Digest {
            public_key: public_key.into(),
            private_key: Secret::new(private_key.into()),
        };
        self
    }

    /// The longest a request may take, from sending to the end of the body (default 60 s);
    /// `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s); `None` for no limit.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How throttled and unavailable responses are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Attempts in all, the first included (default 4); 1 turns retries off.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Whether POST and PATCH requests are retried too (default: no, they are not
    /// idempotent).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.retry_non_idempotent = retry;
        self
    }

    /// Whether request bodies carry the fields a model read from a response but does not know
    /// (its `unknown_fields`): by default they do, so a value read, changed and sent back
    /// keeps what this version of the crate cannot name. `false` sends only the fields the
    /// crate knows, for a server that refuses an attribute it treats as read-only.
    pub fn send_unknown_fields(mut self, send: bool) -> Self {
        self.unknown_fields =
            if send { codec::UnknownFields::Keep } else { codec::UnknownFields::Drop };
        self
    }

    /// Replaces the `User-Agent` (default `<crate name>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| Error::Config {
            message: format!("base URL {base_url:?} is not a URL: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::Config {
                message: format!(
                    "base URL {base_url:?} must be an http or https URL with a host"
                ),
            });
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config {
                message: format!(
                    "base URL {base_url:?} must not have a query or fragment"
                ),
            });
        }
        // rustls needs a process-wide crypto provider; another one installed first is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut http = reqwest::Client::builder().user_agent(self.user_agent);
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        let http = http.build().map_err(|e| Error::Config {
            message: format!("the HTTP client cannot be built: {e}"),
        })?;
        let auth = match self.auth {
            Credentials::None => Auth::None,
            Credentials::Bearer(token) => Auth::Bearer(token),
            Credentials::ServiceAccount { client_id, client_secret } => {
                Auth::ServiceAccount(ServiceAccount::new(
                    client_id,
                    client_secret.expose().to_string(),
                    format!("{base_url}/api/oauth/token"),
                ))
            }
            Credentials::Digest { public_key, private_key } => Auth::Digest(
                DigestAuth::new(public_key, private_key.expose().to_string()),
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                retry: self.retry,
                unknown_fields: self.unknown_fields,
            }),
        })
    }
}

/// A request with its URL, ready to go out (and to go out again).
pub(crate) struct Prepared<'a> {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    request: &'a Request,
}

impl Prepared<'_> {
    /// The request target, as HTTP Digest signs it.
    pub fn digest_uri(&self) -> String {
        match self.url.query() {
            Some(query) => format!("{}?{query}", self.url.path()),
            None => self.url.path().to_string(),
        }
    }

    /// Sends the request once, with an `Authorization` header if given.
    pub async fn send(
        &self,
        http: &reqwest::Client,
        authorization: Option<String>,
    ) -> Result<reqwest::Response, Error> {
        let mut builder = http
            .request(self.method.clone(), self.url.clone())
            .header(reqwest::header::ACCEPT, self.request.accept);
        if let Some(body) = &self.request.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, body.content_type)
                .body(body.bytes.clone());
        }
        if let Some(authorization) = authorization {
            builder = builder.header(reqwest::header::AUTHORIZATION, authorization);
        }
        builder.send().await.map_err(Error::transport)
    }
}

/// The `Retry-After` of a response, in seconds.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl Client {
    /// A builder with the defaults: `https://cloud.mongodb.com`, no credentials, 60 s timeout,
    /// 4 attempts for throttled idempotent requests.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The server requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request whose success response has no body worth reading.
    pub(crate) async fn send_empty(&self, request: Request) -> Result<(), Error> {
        self.execute(&request).await.map(|_| ())
    }

    /// Sends a request: the status and body of the success response.
    pub(crate) async fn execute(
        &self,
        request: &Request,
    ) -> Result<(u16, Vec<u8>), Error> {
        let response = self.respond(request).await?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(Error::transport)?.to_vec();
        Ok((status, body))
    }

    /// Sends a request, retrying throttled and unavailable responses as the policy allows:
    /// the success response, its body unread, or the error of the last attempt.
    pub(crate) async fn respond(
        &self,
        request: &Request,
    ) -> Result<reqwest::Response, Error> {
        let mut url =
            reqwest::Url::parse(&format!("{}{}", self.inner.base_url, request.path))
                .map_err(|e| Error::Config {
                    message: format!("request URL is invalid: {e}"),
                })?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (*k, v)));
        }
        let prepared = Prepared {
            method: request.method.clone(),
            url,
            request,
        };
        let retry = &self.inner.retry;
        let mut attempt = 1;
        loop {
            let response = self.inner.auth.send(&self.inner.http, &prepared).await?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let wait = retry_after(&response);
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response.bytes().await.map_err(Error::transport)?.to_vec();
            let error = error_response(status.as_u16(), content_type, body);
            let throttled = matches!(status.as_u16(), 429 | 503);
            let retry_now = throttled
                && attempt < retry.max_attempts
                && retry.allows(&request.method);
            if let Some(delay) = retry_now.then(|| retry.delay(attempt, wait)).flatten() {
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            return Err(error);
        }
    }
}

/// The error for an error status: the API's error when the body is one, the raw body if not.
fn error_response(status: u16, content_type: Option<String>, body: Vec<u8>) -> Error {
    match codec::from_slice::<ApiErrorBody>(&body) {
        Ok(api_error) => Error::Api {
            status,
            body: Box::new(api_error),
        },
        Err(_) => Error::UnexpectedStatus { status, content_type, body },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn only_idempotent_methods_are_retried_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&reqwest::Method::GET));
        assert!(policy.allows(&reqwest::Method::PUT));
        assert!(policy.allows(&reqwest::Method::DELETE));
        assert!(!policy.allows(&reqwest::Method::POST));
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..policy
        };
        assert!(opted_in.allows(&reqwest::Method::POST));
    }

    #[test]
    fn the_base_url_is_checked() {
        for bad in ["not a url", "ftp://host", "http://host/?q=1"] {
            let error = Client::builder().base_url(bad).build().unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{bad}: {error}");
        }
        let client =
            Client::builder().base_url("http://127.0.0.1:4010/").build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let builders = [
            Client::builder().bearer_token("token-SECRET"),
            Client::builder().service_account("id", "client-SECRET"),
            Client::builder().digest("public", "private-SECRET"),
        ];
        for builder in builders {
            let builder_debug = format!("{builder:?}");
            let client_debug = format!("{:?}", builder.build().unwrap());
            for text in [builder_debug, client_debug] {
                assert!(!text.contains("SECRET"), "{text}");
            }
        }
    }
}
