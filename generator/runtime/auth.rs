//! Authentication: bearer tokens, service accounts (OAuth 2.0 client credentials exchanged for
//! a cached access token) and programmatic API keys with HTTP Digest.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::client::Prepared;
use super::digest;
use super::error::Error;

/// A value that must never be printed.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
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

/// How requests are authenticated.
#[derive(Debug)]
pub(crate) enum Auth {
    None,
    Bearer(Secret),
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
            Self::Bearer(token) => {
                request.send(http, Some(format!("Bearer {}", token.expose()))).await
            }
            Self::ServiceAccount(account) => account.send(http, request).await,
            Self::Digest(digest) => digest.send(http, request).await,
        }
    }
}

/// A token is refreshed this long before it expires, so it does not expire in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

struct CachedToken {
    value: Secret,
    refresh_at: Instant,
}

/// OAuth 2.0 client credentials exchanged at the token endpoint for an access token, which is
/// cached until shortly before it expires.
pub(crate) struct ServiceAccount {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
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
    access_token: String,
    expires_in: Option<u64>,
}

impl ServiceAccount {
    pub fn new(client_id: String, client_secret: String, token_url: String) -> Self {
        Self {
            client_id,
            client_secret: Secret::new(client_secret),
            token_url,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        request: &Prepared<'_>,
    ) -> Result<reqwest::Response, Error> {
        let token = self.token(http, None).await?;
        let response =
            request.send(http, Some(format!("Bearer {}", token.expose()))).await?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // The token was revoked or expired early: get a new one and try once more.
        let token = self.token(http, Some(&token)).await?;
        request.send(http, Some(format!("Bearer {}", token.expose()))).await
    }

    /// The cached token, or a new one. `rejected` is a token the server refused: it is
    /// replaced unless another request already replaced it.
    async fn token(
        &self,
        http: &reqwest::Client,
        rejected: Option<&Secret>,
    ) -> Result<Secret, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let refused = rejected.is_some_and(|r| r.expose() == cached.value.expose());
            if !refused && Instant::now() < cached.refresh_at {
                return Ok(cached.value.clone());
            }
        }
        let fetched = self.fetch(http).await?;
        let value = fetched.value.clone();
        *cache = Some(fetched);
        Ok(value)
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, Error> {
        let requested_at = Instant::now();
        let response = http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(Error::transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(Error::transport)?;
        if !status.is_success() {
            return Err(Error::Auth {
                message: format!(
                    "the token endpoint {} answered HTTP {}: {}",
                    self.token_url,
                    status.as_u16(),
                    String::from_utf8_lossy(&body).chars().take(200).collect::<String>()
                ),
            });
        }
        let token: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| Error::Auth {
                message: format!(
                    "the token endpoint {} answered an unreadable token: {e}",
                    self.token_url
                ),
            })?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600));
        // Refresh a margin before expiry; a token shorter-lived than twice the margin is
        // refreshed halfway through its life.
        let margin = EXPIRY_MARGIN.min(lifetime / 2);
        Ok(CachedToken {
            value: Secret::new(token.access_token),
            refresh_at: requested_at + lifetime - margin,
        })
    }
}

/// The nonce a digest server handed out, reused with an increasing count.
struct DigestSession {
    challenge: digest::Challenge,
    nc: u32,
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
    pub fn new(public_key: String, private_key: String) -> Self {
        Self {
            public_key,
            private_key: Secret::new(private_key),
            session: Mutex::new(None),
        }
    }

    /// The `Authorization` header for the next request under the current nonce, if any.
    fn next_authorization(&self, request: &Prepared<'_>) -> Option<String> {
        let mut session =
            self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let session = session.as_mut()?;
        session.nc = session.nc.wrapping_add(1);
        Some(digest::authorization(
            &session.challenge,
            &self.public_key,
            self.private_key.expose(),
            request.method.as_str(),
            &request.digest_uri(),
            session.nc,
            &client_nonce(),
        ))
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        request: &Prepared<'_>,
    ) -> Result<reqwest::Response, Error> {
        let response = request.send(http, self.next_authorization(request)).await?;
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
        *self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some(DigestSession { challenge, nc: 0 });
        request.send(http, self.next_authorization(request)).await
    }
}

/// A fresh client nonce: 128 bits from the process's randomly keyed hasher.
fn client_nonce() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let mut nonce = String::with_capacity(32);
    for part in 0..2u8 {
        let mut hasher = state.build_hasher();
        hasher.write_u8(part);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        nonce.push_str(&format!("{:016x}", hasher.finish()));
    }
    nonce
}
