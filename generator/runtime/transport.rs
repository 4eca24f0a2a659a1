//! Sending one call: its attempts, retried as the [`RetryPolicy`](super::RetryPolicy) says,
//! within the call's deadline; bodies read up to the client's limit; redirects refused.

use std::future::Future;

use reqwest::header::{HeaderMap, HeaderValue};
use tokio::time::Instant;

use super::auth::TokenUnreachable;
use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::retry::{parse_retry_after, Failure};

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

    /// Sends the request once, with its header parameters (credentials marked sensitive) and
    /// an `Authorization` header if given (marked sensitive).
    pub async fn send(
        &self,
        http: &reqwest::Client,
        authorization: Option<HeaderValue>,
    ) -> Result<reqwest::Response, Error> {
        let mut builder = http
            .request(self.method.clone(), self.url.clone())
            .header(reqwest::header::ACCEPT, self.request.accept.as_ref());
        for (name, value) in &self.request.headers {
            builder = builder.header(*name, value.clone());
        }
        if let Some(body) = &self.request.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, body.content_type.as_ref())
                .body(body.bytes.clone());
        }
        if let Some(mut authorization) = authorization {
            authorization.set_sensitive(true);
            builder = builder.header(reqwest::header::AUTHORIZATION, authorization);
        }
        builder.send().await.map_err(Error::transport)
    }
}

/// What a success response brought.
pub(crate) struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Reads a body, failing once it passes `limit` bytes (before reading any of it when its
/// `Content-Length` says so already).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    let too_large = || Error::BodyTooLarge { status, limit };
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `future`, or [`Error::Timeout`] once `deadline` passes.
async fn until<F: Future>(
    deadline: Option<Instant>,
    future: F,
) -> Result<F::Output, Error> {
    match deadline {
        None => Ok(future.await),
        Some(deadline) => tokio::time::timeout_at(deadline, future)
            .await
            .map_err(|elapsed| Error::Timeout { source: Box::new(elapsed) }),
    }
}

/// The retry class of an error from sending, if it is a transport error. A token endpoint that
/// could not be reached is a request that was not sent.
fn transport_failure(error: &Error) -> Option<Failure> {
    let (Error::Transport { source } | Error::Timeout { source }) = error else {
        return None;
    };
    let connect = source.is::<TokenUnreachable>()
        || source
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect);
    Some(if connect { Failure::Connect } else { Failure::Transport })
}

impl Client {
    fn deadline(&self) -> Option<Instant> {
        self.inner.limits.timeout.map(|timeout| Instant::now() + timeout)
    }

    /// Sends a call and reads the whole body of its success response.
    pub(crate) async fn execute(&self, request: &Request) -> Result<Received, Error> {
        let deadline = self.deadline();
        let response = self.respond_until(request, deadline).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.inner.limits.max_body_size;
        let body = until(deadline, read_limited(response, limit)).await??;
        Ok(Received { status, headers, body })
    }

    // @cfg(stream)
    /// Sends a call: its success response with the body unread. The deadline covers the
    /// attempts and their waits, up to the headers; the body is bounded by the idle timeout.
    pub(crate) async fn respond(
        &self,
        request: &Request,
    ) -> Result<reqwest::Response, Error> {
        self.respond_until(request, self.deadline()).await
    }

    async fn respond_until(
        &self,
        request: &Request,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response, Error> {
        let attempts = self.attempts(request, deadline);
        // One span per call: what it is, never what it carries (no body, no credentials).
        #[cfg(feature = "tracing")]
        let attempts = tracing::Instrument::instrument(
            attempts,
            tracing::info_span!(
                "atlas_request",
                operation = request.operation,
                method = %request.method,
                path = %request.path_template,
                attempt = tracing::field::Empty,
                status = tracing::field::Empty,
            ),
        );
        attempts.await
    }

    /// The attempts of a call, until one succeeds, one fails for good, the policy's attempts
    /// run out or the deadline passes.
    async fn attempts(
        &self,
        request: &Request,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response, Error> {
        let mut url =
            reqwest::Url::parse(&format!("{}{}", self.inner.base_url, request.path))
                .map_err(|e| Error::Config {
                    message: format!("request URL is invalid: {e}"),
                })?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v)));
        }
        let prepared = Prepared {
            method: request.method.clone(),
            url,
            request,
        };
        let retry = &self.inner.retry;
        let mut attempt = 1;
        loop {
            #[cfg(feature = "tracing")]
            tracing::Span::current().record("attempt", attempt);
            let sent = until(deadline, self.inner.auth.send(&self.inner.http, &prepared))
                .await?;
            let (error, failure, wait) = match sent {
                Ok(response) => {
                    let status = response.status();
                    #[cfg(feature = "tracing")]
                    tracing::Span::current().record("status", status.as_u16());
                    if status.is_success() {
                        return Ok(response);
                    }
                    if status.is_redirection() {
                        let location = response
                            .headers()
                            .get(reqwest::header::LOCATION)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string);
                        return Err(Error::Redirect {
                            status: status.as_u16(),
                            location,
                        });
                    }
                    let wait = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    let error = self.error_response(response, deadline).await?;
                    (error, Failure::Status(status.as_u16()), wait)
                }
                Err(error) => match transport_failure(&error) {
                    Some(failure) => (error, failure, None),
                    None => return Err(error),
                },
            };
            let retry_now =
                attempt < retry.max_attempts && retry.retries(&request.method, failure);
            let Some(delay) = retry_now.then(|| retry.delay(attempt, wait)).flatten()
            else {
                return Err(error);
            };
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                return Err(error);
            }
            #[cfg(feature = "tracing")]
            tracing::warn!(
                attempt,
                wait_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                reason = %error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The error for an error status: the API's error when the body is a JSON object, the raw
    /// body if not (read up to the body limit, within the deadline).
    async fn error_response(
        &self,
        response: reqwest::Response,
        deadline: Option<Instant>,
    ) -> Result<Error, Error> {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let limit = self.inner.limits.max_body_size;
        let body = until(deadline, read_limited(response, limit)).await??;
        Ok(Error::from_error_response(status, content_type, body))
    }
}
