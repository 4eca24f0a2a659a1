//! The future every operation's `send` returns, and the response it came in.

// @cfg(alternatives)
use std::borrow::Cow;
use std::future::Future;
// @cfg(json)
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::client::Client;
use super::error::Error;
// @cfg(json)
use super::models::codec::{self, Decode};
use super::request::Request;
use super::transport::Received;

/// An operation's value together with the status and headers of the response that carried it
/// (`RateLimit-Remaining`, request ids): what
/// [`ResponseFuture::with_response`] gives.
#[derive(Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The operation's value, as `send().await` gives it.
    pub value: T,
    /// The HTTP status of the success response.
    pub status: u16,
    /// Its headers.
    pub headers: reqwest::header::HeaderMap,
}

impl<T> Response<T> {
    /// A header's value, when it is there and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Responding<T> = Pin<Box<dyn Future<Output = Result<Response<T>, Error>> + Send>>;

/// A request on its way: await it for the operation's value, or call
/// [`with_response`](Self::with_response) for the value with its status and headers.
///
/// Operations return this rather than being `async fn`s of their own: one generic future
/// compiles much faster than a state machine per operation, and it is `Send` and `Unpin`.
#[must_use = "a request is only sent when its future is awaited"]
pub struct ResponseFuture<T> {
    inner: Responding<T>,
}

/// The future of [`ResponseFuture::with_response`].
#[must_use = "a request is only sent when its future is awaited"]
pub struct WithResponse<T> {
    inner: Responding<T>,
}

/// A checked request and the client to send it with, or why it was refused.
pub(crate) type Prepared = Result<(Client, Request), Error>;

impl<T: Send + 'static> ResponseFuture<T> {
    fn new(
        future: impl Future<Output = Result<Response<T>, Error>> + Send + 'static,
    ) -> Self {
        Self { inner: Box::pin(future) }
    }

    /// The operation's value with the status and headers of its response.
    pub fn with_response(self) -> WithResponse<T> {
        WithResponse { inner: self.inner }
    }

    // @cfg(json)
    /// The success response's JSON body, decoded.
    pub(crate) fn json(prepared: Prepared) -> Self
    where
        T: Decode,
    {
        Self::new(Decoding::<T> {
            receiving: Box::pin(receive(prepared)),
            decoded: PhantomData,
        })
    }
}

// @cfg(json)
/// Sends a request: what its success response brought. The same future for every operation;
/// only [`Decoding`] is per response type.
async fn receive(prepared: Prepared) -> Result<Received, Error> {
    let (client, request) = prepared?;
    client.execute(&request).await
}

// @cfg(json)
/// The future of [`receive`].
type Receiving = Pin<Box<dyn Future<Output = Result<Received, Error>> + Send>>;

// @cfg(json)
/// Decodes the body [`receive`] brings: a small future per response type, where an `async`
/// block would be a whole state machine per type.
struct Decoding<T> {
    receiving: Receiving,
    decoded: PhantomData<fn() -> T>,
}

// @cfg(json)
impl<T: Decode> Future for Decoding<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Received { status, headers, body } = match self.receiving.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(received) => received?,
        };
        Poll::Ready(match codec::from_slice(&body) {
            Ok(value) => Ok(Response { value, status, headers }),
            Err(source) => Err(Error::Decode { status, source, body }),
        })
    }
}

// @cfg(empty)
impl ResponseFuture<()> {
    /// A success response whose body is not read.
    pub(crate) fn empty(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            let Received { status, headers, .. } = client.execute(&request).await?;
            Ok(Response { value: (), status, headers })
        })
    }
}

// @cfg(bytes)
impl ResponseFuture<Vec<u8>> {
    /// The success response's body, whole.
    pub(crate) fn bytes(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            let Received { status, headers, body } = client.execute(&request).await?;
            Ok(Response {
                value: body,
                status,
                headers,
            })
        })
    }
}

// @cfg(stream)
impl ResponseFuture<super::download::ByteStream> {
    /// The success response's body, chunk by chunk.
    pub(crate) fn stream(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            client.send_stream(request).await
        })
    }
}

// @cfg(alternatives)
/// A prepared request asking for another media type.
pub(crate) fn accepting(prepared: Prepared, media_type: &'static str) -> Prepared {
    prepared.map(|(client, mut request)| {
        request.accept = Cow::Borrowed(media_type);
        (client, request)
    })
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(|r| r.map(|response| response.value))
    }
}

impl<T> Future for WithResponse<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T> std::fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseFuture")
    }
}

impl<T> std::fmt::Debug for WithResponse<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WithResponse")
    }
}
