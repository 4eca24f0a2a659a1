//! The client: one connection pool, credentials, limits, and how it is configured. Sending a
//! request (attempts, retries, deadlines) is in `transport`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{Auth, Bearer, DigestAuth, Secret, ServiceAccount};
use super::error::Error;
use super::models::codec;

pub use super::retry::RetryPolicy;
pub use super::DEFAULT_BASE_URL;

/// A client of the API. Cheap to clone: clones share one connection pool and credentials.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub base_url: String,
    pub auth: Auth,
    pub retry: RetryPolicy,
    pub unknown_fields: codec::UnknownFields,
    pub limits: Limits,
}

/// What bounds one call: its total time, the bodies it reads, the pages a stream fetches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// From the first attempt to the last byte of the body, retries and their waits included;
    /// a byte stream is bounded by it only until its headers arrive.
    pub timeout: Option<Duration>,
    pub max_body_size: usize,
    // @cfg(paging)
    pub max_pages: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("limits", &self.inner.limits)
            .field("unknown_fields", &self.inner.unknown_fields)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults: `https://cloud.mongodb.com`, no credentials, a 120 s
    /// deadline per call (retries included), a 30 s idle timeout, 4 attempts, 64 MiB bodies.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The server requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether request bodies carry the fields models keep but do not know.
    pub(crate) fn unknown_fields(&self) -> codec::UnknownFields {
        self.inner.unknown_fields
    }

    // @cfg(paging)
    /// The most pages a list operation's stream fetches.
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.limits.max_pages
    }
}

/// The default limit of a response body: far above the largest real response (a 20,000-entry
/// access log is about 8 MiB), far below what would hurt a process.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

// @cfg(paging)
/// The default limit of the pages one stream fetches.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    auth: Credentials,
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    unknown_fields: codec::UnknownFields,
    max_body_size: usize,
    // @cfg(paging)
    max_pages: u64,
    insecure_http: bool,
    min_token_interval: Duration,
    http: Option<reqwest::Client>,
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
            .field("read_timeout", &self.read_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            // @cfg(paging)
            .field("max_pages", &self.max_pages)
            .field("insecure_http", &self.insecure_http)
            .field("http_client", &self.http.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: Credentials::None,
            timeout: Some(Duration::from_secs(120)),
            read_timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            retry: RetryPolicy::default(),
            user_agent: format!(
                "{}/{}",
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION")
            ),
            unknown_fields: codec::UnknownFields::Keep,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            // @cfg(paging)
            max_pages: DEFAULT_MAX_PAGES,
            insecure_http: false,
            min_token_interval: super::auth::MIN_FETCH_INTERVAL,
            http: None,
        }
    }
}

impl ClientBuilder {
    /// The server, e.g. `https://cloud.mongodb.com` (the default) or a mock server. Plain
    /// `http://` carries credentials only to a loopback address, unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) says otherwise.
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
    /// expires and fetched again when the server rejects it (at most once every 6 s).
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

    /// The shortest time between two requests to a service account's token endpoint
    /// (default 6 s: Atlas allows about ten a minute). A token is used at least this long,
    /// whatever its `expires_in`, and a failed exchange is every request's answer for this
    /// long.
    pub fn min_token_interval(mut self, interval: Duration) -> Self {
        self.min_token_interval = interval;
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

    /// The longest one call may take, from its first attempt to the end of its body, retries
    /// and their waits included (default 120 s); `None` for no limit. A byte stream
    /// (`send_stream`) is bounded by it only until its headers arrive, and then by the
    /// [`read_timeout`](Self::read_timeout).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest the client waits for the next bytes of a response (default 30 s); `None`
    /// for no limit.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s); `None` for no limit.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed attempts are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Attempts in all, the first included (default 4); 1 turns retries off.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Whether POST and PATCH requests are retried on 502, 503, 504 and transport errors too
    /// (default: no, they are not idempotent).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.retry_non_idempotent = retry;
        self
    }

    /// The largest response body read, success, error or token (default 64 MiB); a larger one
    /// is [`Error::BodyTooLarge`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    // @cfg(paging)
    /// The most pages one list stream fetches (default 10,000); past it the stream ends with
    /// [`Error::Paging`].
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
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

    /// Allows credentials over plain `http://` to a host that is not a loopback address
    /// (default: refused, as anyone on the way could read them).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.insecure_http = allow;
        self
    }

    /// Sends with your own `reqwest::Client`: its proxies, roots, TLS backend, pool,
    /// redirect policy and timeouts apply (set `redirect::Policy::none()`, as this client's
    /// own does). The call's deadline, body limit, retries and credentials still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
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
        if !parsed.username().is_empty() || parsed.password().is_some() {
            // Not echoed: the user info may be a password.
            return Err(Error::Config {
                message: "the base URL must not hold a user name or password; use the client's credentials".to_string(),
            });
        }
        let has_credentials = !matches!(self.auth, Credentials::None);
        if has_credentials
            && parsed.scheme() == "http"
            && !is_loopback(&parsed)
            && !self.insecure_http
        {
            return Err(Error::Config {
                message: format!(
                    "credentials are not sent over plain http to {base_url:?}: use https, a loopback address, or allow_insecure_http(true)"
                ),
            });
        }
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(
                self.user_agent,
                self.read_timeout,
                self.connect_timeout,
            )?,
        };
        let auth = match self.auth {
            Credentials::None => Auth::None,
            Credentials::Bearer(token) => Auth::Bearer(Bearer::new(token)?),
            Credentials::ServiceAccount { client_id, client_secret } => {
                Auth::ServiceAccount(ServiceAccount::new(
                    client_id,
                    client_secret,
                    format!("{base_url}/api/oauth/token"),
                    self.min_token_interval,
                ))
            }
            Credentials::Digest { public_key, private_key } => {
                Auth::Digest(DigestAuth::new(public_key, private_key))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                retry: self.retry,
                unknown_fields: self.unknown_fields,
                limits: Limits {
                    timeout: self.timeout,
                    max_body_size: self.max_body_size,
                    // @cfg(paging)
                    max_pages: self.max_pages,
                },
            }),
        })
    }
}

/// Whether a URL's host is this machine: `localhost` or a loopback address.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The client's own `reqwest::Client`: no redirects followed, the idle and connect timeouts,
/// and TLS configured for this client alone (nothing process-wide is installed).
fn default_http_client(
    user_agent: String,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
) -> Result<reqwest::Client, Error> {
    let mut http = reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(timeout) = read_timeout {
        http = http.read_timeout(timeout);
    }
    if let Some(timeout) = connect_timeout {
        http = http.connect_timeout(timeout);
    }
    #[cfg(feature = "rustls")]
    {
        http = http.tls_backend_preconfigured(tls_config()?);
    }
    http.build().map_err(|e| Error::Config {
        message: format!("the HTTP client cannot be built: {e}"),
    })
}

/// rustls with its default provider, aws-lc-rs (which has post-quantum key exchange; rustls
/// deprecated ring's for lacking it), and the platform's certificate verifier, for this
/// client only: an application's own process-wide provider is left alone, whatever it is.
#[cfg(feature = "rustls")]
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    let config_error = |e: &dyn fmt::Display| Error::Config {
        message: format!("TLS cannot be configured: {e}"),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| config_error(&e))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| config_error(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn credentials_go_over_http_only_to_this_machine_or_on_request() {
        let with_token = |url: &str| Client::builder().base_url(url).bearer_token("t");
        for url in ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"] {
            assert!(with_token(url).build().is_ok(), "{url}");
        }
        let error = with_token("http://atlas.example.com").build().unwrap_err();
        assert!(error.to_string().contains("plain http"), "{error}");
        assert!(with_token("http://atlas.example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok());
        assert!(with_token("https://atlas.example.com").build().is_ok());
        // Without credentials there is nothing to protect.
        assert!(Client::builder().base_url("http://atlas.example.com").build().is_ok());
    }

    #[test]
    fn a_base_url_with_user_info_is_refused_without_echoing_it() {
        let error = Client::builder()
            .base_url("https://user:hunter2@cloud.mongodb.com")
            .build()
            .unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains("user name or password"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn debug_output_has_no_secrets() {
        // An https server: a spec's own may be plain http, which credentials do not go to.
        let builder = || Client::builder().base_url("https://api.example.com");
        let builders = [
            builder().bearer_token("token-SECRET"),
            builder().service_account("id", "client-SECRET"),
            builder().digest("public", "private-SECRET"),
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
