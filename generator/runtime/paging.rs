//! Paging: every item of a list operation, across pages, as a stream.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::Error;
use super::response::ResponseFuture;

/// A page number as the operation's parameter type wants it.
pub(crate) fn page_number<T: TryFrom<i64>>(
    page: i64,
    name: &'static str,
) -> Result<T, Error> {
    T::try_from(page).map_err(|_| Error::InvalidParameter {
        name,
        value: page.to_string(),
        rule: "is out of range for the parameter".to_string(),
    })
}

/// One page of a list operation.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// The `rel` of each of the page's links (`self`, `next`, `previous`), if it has any.
    pub rels: Vec<String>,
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;
type FetchPage<T> = Box<dyn FnMut(i64) -> PageFuture<T> + Send>;

/// One page on its way: the operation's response, split into items when it arrives. A small
/// future per response type, where an `async` block would be a state machine per operation.
struct Fetching<B, T> {
    response: ResponseFuture<B>,
    split: fn(B) -> Page<T>,
}

impl<B, T> Future for Fetching<B, T> {
    type Output = Result<Page<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let split = self.split;
        Pin::new(&mut self.response).poll(cx).map(|response| response.map(split))
    }
}

/// Every item of a list operation, fetching page after page as they are consumed (a page is
/// requested only once the previous one is used up).
///
/// The stream ends on what the pages say, never on a reported total (Atlas documents
/// `totalCount` as an estimate, and a low one would drop items): after an empty page, a page
/// shorter than the page size asked for, or, once the pages carry paging links (a `next` or
/// `previous` link has been seen), a page without a `next` link. An error ends it after being
/// yielded. A server that never ends (the same page again and again, or full pages past the
/// client's `max_pages`) ends it with [`Error::Paging`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    fetch: FetchPage<T>,
    next_page: i64,
    page_size: i64,
    /// Whether a page has carried a `next` or `previous` link: from then on a page without a
    /// `next` link is the last.
    linked: bool,
    fetched: u64,
    max_pages: u64,
    /// The items of the last page, to tell a page the server repeats.
    previous: Vec<T>,
    /// An error to yield once the buffer is drained.
    failure: Option<Error>,
    buffer: VecDeque<T>,
    pending: Option<PageFuture<T>>,
    done: bool,
}

// Items are only moved in and out of the buffer, never pinned.
impl<T> Unpin for Pages<T> {}

impl<T: Send + 'static> Pages<T> {
    /// Pages from `first_page` on, at most `max_pages` of them: `request` is the operation with
    /// its page number set, `split` takes the items (and the links' `rel`s, if any) out of its
    /// response.
    pub(crate) fn new<B: Send + 'static>(
        first_page: i64,
        page_size: i64,
        max_pages: u64,
        mut request: impl FnMut(i64) -> Result<ResponseFuture<B>, Error> + Send + 'static,
        split: fn(B) -> Page<T>,
    ) -> Self {
        let fetch = move |page: i64| -> PageFuture<T> {
            match request(page) {
                Ok(response) => Box::pin(Fetching { response, split }),
                Err(error) => Box::pin(std::future::ready(Err(error))),
            }
        };
        Self {
            fetch: Box::new(fetch),
            next_page: first_page,
            page_size,
            linked: false,
            fetched: 0,
            max_pages,
            previous: Vec::new(),
            failure: None,
            buffer: VecDeque::new(),
            pending: None,
            done: false,
        }
    }
}

/// The stream without another crate: `while let Some(item) = pages.next().await`, or every item
/// at once with [`try_collect`](Self::try_collect). With `futures::StreamExt` in scope these
/// methods are still the ones called (inherent methods come first); its other adapters work on
/// `Pages` as on any `Stream`.
impl<T: Clone + PartialEq> Pages<T> {
    /// The next item, fetching the next page when the last one is used up; `None` once the
    /// stream has ended. An error is yielded once and ends the stream.
    ///
    /// ```ignore
    /// let mut users = client.list_database_users().group_id(group).stream();
    /// while let Some(user) = users.next().await {
    ///     println!("{}", user?.username);
    /// }
    /// ```
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(Pin::new(&mut *self), cx)
        })
        .await
    }

    /// The next item as a `Result`, for `?`: `Ok(None)` once the stream has ended.
    ///
    /// ```ignore
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}", user.username);
    /// }
    /// ```
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        self.next().await.transpose()
    }

    /// Every remaining item, across all pages, or the first error (the items before it are
    /// dropped). A list of many pages is held whole in memory: [`next`](Self::next) takes one
    /// item at a time. Into another collection than a `Vec`, call `futures`'
    /// `TryStreamExt::try_collect(pages)` by its path: this method is the one `.try_collect()`
    /// finds.
    ///
    /// ```ignore
    /// let users: Vec<_> = client.list_database_users().group_id(group).stream().try_collect().await?;
    /// ```
    pub async fn try_collect(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.try_next().await? {
            items.push(item);
        }
        Ok(items)
    }
}

impl<T: Clone + PartialEq> futures_core::Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(error) = this.failure.take() {
                return Poll::Ready(Some(Err(error)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let page = this.next_page;
            let pending = this.pending.get_or_insert_with(|| (this.fetch)(page));
            let (items, rels) = match pending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => {
                    this.pending = None;
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Ok(Page { items, rels })) => (items, rels),
            };
            this.pending = None;
            this.fetched += 1;
            if !items.is_empty() && items == this.previous {
                this.done = true;
                let message = format!(
                    "page {page} has the same items as the page before it: the server is not paging"
                );
                return Poll::Ready(Some(Err(Error::Paging { message })));
            }
            let has = |rel: &str| rels.iter().any(|r| r.eq_ignore_ascii_case(rel));
            let next = has("next");
            this.linked |= next || has("previous");
            let count = items.len() as i64;
            this.done = count == 0 || count < this.page_size || (this.linked && !next);
            if !this.done && this.fetched >= this.max_pages {
                // This page's items are yielded, then the error.
                this.done = true;
                this.failure = Some(Error::Paging {
                    message: format!(
                        "{} pages fetched and the server has more: the client's limit is {}",
                        this.fetched, this.max_pages
                    ),
                });
            }
            this.next_page += 1;
            this.previous.clone_from(&items);
            this.buffer.extend(items);
        }
    }
}
