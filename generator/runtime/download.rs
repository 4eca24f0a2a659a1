//! A response body as a stream of chunks, for downloads (compressed logs, CSV) too large to
//! hold in memory.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::client::Client;
use super::error::Error;
use super::request::Request;

impl Client {
    /// Sends a request and reads the whole body of its success response.
    pub(crate) async fn send_bytes(&self, request: Request) -> Result<Vec<u8>, Error> {
        self.execute(&request).await.map(|(_, body)| body)
    }

    /// Sends a request; the body of its success response as a stream of chunks.
    pub(crate) async fn send_stream(
        &self,
        request: Request,
    ) -> Result<ByteStream, Error> {
        self.respond(&request).await.map(ByteStream::new)
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
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        Self {
            response: Some(response),
            pending: None,
        }
    }

    /// Reads the rest of the stream into memory.
    pub async fn collect_bytes(mut self) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        while let Some(response) = self.response.take() {
            let (response, chunk) = next_chunk(response).await;
            match chunk? {
                Some(chunk) => {
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
