//! A response body as a stream of chunks, for downloads (compressed logs, CSV) too large to
//! hold in memory.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::response::Response;

impl Client {
    /// Sends a request; the body of its success response as a stream of chunks. The call's
    /// deadline covers it until the headers arrive; then only the idle (read) timeout does, so
    /// a long download is not cut off while bytes are flowing.
    pub(crate) async fn send_stream(
        &self,
        request: Request,
    ) -> Result<Response<ByteStream>, Error> {
        let response = self.respond(&request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.inner.limits.max_body_size;
        Ok(Response {
            value: ByteStream::new(response, limit),
            status,
            headers,
        })
    }
}

type NextChunk = Pin<Box<dyn Future<Output = (reqwest::Response, ChunkResult)> + Send>>;
type ChunkResult = Result<Option<Vec<u8>>, Error>;

/// The body of a success response, chunk by chunk as it arrives. Ends after the last chunk,
/// or after yielding an error.
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream {
    response: Option<reqwest::Response>,
    pending: Option<NextChunk>,
    /// The client's body limit, for [`ByteStream::collect_bytes`].
    limit: usize,
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response, limit: usize) -> Self {
        Self {
            response: Some(response),
            pending: None,
            limit,
        }
    }

    /// The next chunk, without another crate (`while let Some(chunk) = stream.next().await`);
    /// `None` once the body has ended. An error is yielded once and ends the stream.
    pub async fn next(&mut self) -> Option<Result<Vec<u8>, Error>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(Pin::new(&mut *self), cx)
        })
        .await
    }

    /// Reads the rest of the stream into memory, up to the client's body limit.
    pub async fn collect_bytes(mut self) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        while let Some(response) = self.response.take() {
            let status = response.status().as_u16();
            let (response, chunk) = next_chunk(response).await;
            match chunk? {
                Some(chunk) => {
                    if bytes.len() + chunk.len() > self.limit {
                        return Err(Error::BodyTooLarge { status, limit: self.limit });
                    }
                    bytes.extend_from_slice(&chunk);
                    self.response = Some(response);
                }
                None => break,
            }
        }
        Ok(bytes)
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("done", &(self.response.is_none() && self.pending.is_none()))
            .finish()
    }
}

/// Reads one chunk; the response comes back with it, for the next one.
async fn next_chunk(mut response: reqwest::Response) -> (reqwest::Response, ChunkResult) {
    let chunk = response.chunk().await.map_err(Error::transport);
    (response, chunk.map(|c| c.map(|bytes| bytes.to_vec())))
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(response) = this.response.take() else {
                return Poll::Ready(None);
            };
            this.pending = Some(Box::pin(next_chunk(response)));
        }
        let Some(pending) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        match pending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((response, chunk)) => {
                this.pending = None;
                match chunk {
                    Ok(Some(chunk)) => {
                        this.response = Some(response);
                        Poll::Ready(Some(Ok(chunk)))
                    }
                    Ok(None) => Poll::Ready(None),
                    Err(error) => Poll::Ready(Some(Err(error))),
                }
            }
        }
    }
}
