//! Requests to endpoints the spec lacks: a path and a method, with the same credentials,
//! retries, deadline, limits and errors as every operation.

use std::borrow::Cow;

use super::client::Client;
use super::error::Error;
use super::request::{Body, Request};
use super::response::Response;
use super::transport::Received;

impl Client {
    /// A request to `path` of the API (`/api/atlas/v2/groups/{id}/...`, already encoded), for
    /// an endpoint this crate has no operation for. It is sent like any operation: with the
    /// client's credentials, retries, deadline and body limit, and an error status is an
    /// [`Error::Api`]. The path must stay on the client's server: a path that would lead
    /// elsewhere (`@host`, `//host`) is refused when sent.
    ///
    /// ```ignore
    /// # async fn run(client: Client) -> Result<(), atlas_admin::Error> {
    /// let groups: serde_json::Value = client
    ///     .request(reqwest::Method::GET, "/api/atlas/v2/groups")
    ///     .accept("application/vnd.atlas.2023-01-01+json")
    ///     .query("itemsPerPage", 5)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(
        &self,
        method: reqwest::Method,
        path: impl Into<String>,
    ) -> RawRequest {
        RawRequest {
            client: self.clone(),
            request: Request {
                method,
                operation: "request",
                path_template: Cow::Owned(String::new()),
                path: path.into(),
                query: Vec::new(),
                headers: Vec::new(),
                accept: Cow::Borrowed("application/json"),
                body: None,
            },
            failed: None,
        }
    }
}

/// A request built by [`Client::request`].
#[must_use = "a request is only sent by `send`"]
pub struct RawRequest {
    client: Client,
    request: Request,
    failed: Option<Error>,
}

impl std::fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &self.request.method)
            .field("path", &self.request.path)
            .finish_non_exhaustive()
    }
}

impl RawRequest {
    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.request.query.push((Cow::Owned(name.into()), value.to_string()));
        self
    }

    /// The media type asked for in `Accept` (default `application/json`); Atlas versions its
    /// resources by it (`application/vnd.atlas.2023-01-01+json`).
    pub fn accept(mut self, media_type: impl Into<String>) -> Self {
        self.request.accept = Cow::Owned(media_type.into());
        self
    }

    /// A JSON body, sent with `content_type` (Atlas wants the versioned media type).
    pub fn json<B: serde::Serialize + ?Sized>(
        mut self,
        content_type: impl Into<String>,
        body: &B,
    ) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.request.body = Some(Body {
                    content_type: Cow::Owned(content_type.into()),
                    bytes,
                });
            }
            Err(error) => {
                self.failed.get_or_insert(Error::Config {
                    message: format!("the request body does not encode: {error}"),
                });
            }
        }
        self
    }

    /// Sends the request: the success response's JSON body, decoded.
    pub async fn send<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.send_with_response().await.map(|response| response.value)
    }

    /// Sends the request: the decoded body with the status and headers.
    pub async fn send_with_response<T: serde::de::DeserializeOwned>(
        self,
    ) -> Result<Response<T>, Error> {
        let Response {
            value: body,
            status,
            headers,
        } = self.send_bytes().await?;
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(Response { value, status, headers }),
            Err(source) => Err(Error::Decode { status, source, body }),
        }
    }

    /// Sends the request: the success response's body as it is.
    pub async fn send_bytes(self) -> Result<Response<Vec<u8>>, Error> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        check_path(&self.client, &self.request.path)?;
        let Received { status, headers, body } =
            self.client.execute(&self.request).await?;
        Ok(Response {
            value: body,
            status,
            headers,
        })
    }
}

/// A raw path must start with `/`, carry no query or fragment (use `query`), and lead to the
/// client's own server.
fn check_path(client: &Client, path: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::Config {
            message: format!("request path {path:?} {why}"),
        })
    };
    if !path.starts_with('/') || path.starts_with("//") {
        return refuse("must start with a single `/`");
    }
    if path.contains(['?', '#', '@', '\\']) || path.chars().any(char::is_whitespace) {
        return refuse("must not hold `?`, `#`, `@`, `\\` or whitespace");
    }
    let base = reqwest::Url::parse(client.base_url()).map_err(|e| Error::Config {
        message: format!("base URL is invalid: {e}"),
    })?;
    let url = reqwest::Url::parse(&format!("{}{path}", client.base_url()));
    match url {
        Ok(url) if url.origin() == base.origin() => Ok(()),
        _ => refuse("does not lead to the client's server"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_paths_stay_on_the_server() {
        let client =
            Client::builder().base_url("https://cloud.mongodb.com").build().unwrap();
        assert!(check_path(&client, "/api/atlas/v2/groups").is_ok());
        for bad in [
            "api/atlas",
            "//evil.example.com/x",
            "@evil.example.com/x",
            "/x?y=1",
            "/x#y",
            "/x@evil.example.com",
            "/a b",
            "/\\\\evil",
        ] {
            assert!(check_path(&client, bad).is_err(), "{bad}");
        }
    }
}
