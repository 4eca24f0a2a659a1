//! The future every operation's `send` returns.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::client::Client;
use super::error::Error;
use super::models::codec::{self, Decode};
use super::request::Request;

/// A request on its way: await it for the operation's response.
///
/// Operations return this rather than being `async fn`s of their own: one generic future
/// compiles much faster than a state machine per operation, and it is `Send` and `Unpin`.
#[must_use = "a request is only sent when its future is awaited"]
pub struct ResponseFuture<T> {
    inner: Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>,
}

/// A checked request and the client to send it with, or why it was refused.
pub(crate) type Prepared = Result<(Client, Request), Error>;

impl<T: Send + 'static> ResponseFuture<T> {
    fn new(future: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        Self { inner: Box::pin(future) }
    }

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

/// Sends a request: the status and body of its success response. The same future for every
/// operation; only [`Decoding`] is per response type.
async fn receive(prepared: Prepared) -> Result<(u16, Vec<u8>), Error> {
    let (client, request) = prepared?;
    client.execute(&request).await
}

/// The future of [`receive`].
type Receiving = Pin<Box<dyn Future<Output = Result<(u16, Vec<u8>), Error>> + Send>>;

/// Decodes the body [`receive`] brings: a small future per response type, where an `async`
/// block would be a whole state machine per type.
struct Decoding<T> {
    receiving: Receiving,
    decoded: PhantomData<fn() -> T>,
}

impl<T: Decode> Future for Decoding<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (status, body) = match self.receiving.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(received) => received?,
        };
        Poll::Ready(codec::from_slice(&body).map_err(|source| Error::Decode {
            status,
            source,
            body,
        }))
    }
}

impl ResponseFuture<()> {
    /// A success response whose body is not read.
    pub(crate) fn empty(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            client.send_empty(request).await
        })
    }
}

impl ResponseFuture<Vec<u8>> {
    /// The success response's body, whole.
    pub(crate) fn bytes(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            client.send_bytes(request).await
        })
    }
}

impl ResponseFuture<super::download::ByteStream> {
    /// The success response's body, chunk by chunk.
    pub(crate) fn stream(prepared: Prepared) -> Self {
        Self::new(async move {
            let (client, request) = prepared?;
            client.send_stream(request).await
        })
    }
}

/// A prepared request asking for another media type.
pub(crate) fn accepting(prepared: Prepared, media_type: &'static str) -> Prepared {
    prepared.map(|(client, mut request)| {
        request.accept = media_type;
        (client, request)
    })
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T> std::fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseFuture")
    }
}
