//! A listener that looks at each connection's first request head before hyper does.
//!
//! hyper refuses a request line longer than `http::Uri` can hold (64 kB) with a bare 414 and no body, and waits for
//! a slow client's request head without end (axum's `serve` sets no header timeout). Both are a user's (or an
//! attacker's) doing, so they get our answer: a 414 with a problem body that says what to fix, a 431 for a head that
//! does not end within [`MAX_HEAD_BYTES`], or a 408 when the head does not arrive in time. Each connection is
//! checked in its own task with [`TcpStream::peek`], which leaves the bytes for hyper; a connection that passes is
//! handed on unchanged. Later requests on a kept-alive connection are hyper's alone.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::problem::{Problem, PROBLEM_JSON};

/// Longest request line (method, target, version) accepted; hyper's URI type holds a little less than 64 kB.
pub const MAX_REQUEST_LINE_BYTES: usize = 60 * 1024;
/// Longest request head (request line and headers) looked at; a head that does not end within it gets 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a client may take to send its request head.
pub const REQUEST_LINE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections being checked at once; more wait in the kernel's accept queue.
const MAX_PENDING_CHECKS: usize = 1024;

/// A [`axum::serve::Listener`] that only yields connections whose request line is acceptable.
pub struct CheckedListener {
    local_addr: SocketAddr,
    accepted: mpsc::Receiver<(TcpStream, SocketAddr)>,
}

impl CheckedListener {
    /// Starts accepting on `listener`; must be called inside a tokio runtime.
    pub fn new(listener: TcpListener) -> std::io::Result<CheckedListener> {
        let local_addr = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(accept_loop(listener, tx));
        Ok(CheckedListener {
            local_addr,
            accepted: rx,
        })
    }
}

impl axum::serve::Listener for CheckedListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(conn) => conn,
            // The accept loop only ends when the server is dropped; nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

async fn accept_loop(listener: TcpListener, tx: mpsc::Sender<(TcpStream, SocketAddr)>) {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_PENDING_CHECKS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        // Stop (and release the port) when the server drops its end.
        let accepted = tokio::select! {
            _ = tx.closed() => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, addr) = match accepted {
            Ok(conn) => conn,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let conn_tx = tx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            if let Some(stream) = check(stream).await {
                let _ = stream.set_nodelay(true);
                if conn_tx.send((stream, addr)).await.is_err() {
                    tracing::debug!("server stopped; connection dropped");
                }
            }
        });
    }
}

/// What the first bytes of a connection show.
#[derive(Debug, PartialEq, Eq)]
enum RequestLine {
    /// The head ended (a blank line) within the limits: let hyper handle it.
    Complete,
    /// No line break within the request-line limit.
    TooLong,
    /// The request line is fine but the headers do not end within [`MAX_HEAD_BYTES`].
    HeadTooLarge,
    /// More may come.
    Incomplete,
}

fn classify(peeked: &[u8]) -> RequestLine {
    // Blank lines before the request line are allowed (RFC 9112 2.2) and end nothing.
    let Some(start) = peeked.iter().position(|&b| b != b'\r' && b != b'\n') else {
        return if peeked.len() >= MAX_HEAD_BYTES {
            RequestLine::HeadTooLarge
        } else {
            RequestLine::Incomplete
        };
    };
    let Some(line_end) = peeked[start..].iter().position(|&b| b == b'\n').map(|i| start + i) else {
        return if peeked.len() >= MAX_REQUEST_LINE_BYTES {
            RequestLine::TooLong
        } else {
            RequestLine::Incomplete
        };
    };
    // A blank line after the request line ends the head.
    let rest = &peeked[line_end..];
    if rest.windows(3).any(|w| w == b"\n\r\n") || rest.windows(2).any(|w| w == b"\n\n") {
        RequestLine::Complete
    } else if peeked.len() >= MAX_HEAD_BYTES {
        RequestLine::HeadTooLarge
    } else {
        RequestLine::Incomplete
    }
}

/// Peeks until the request line is complete, too long, or late. Returns the stream if hyper should serve it.
async fn check(mut stream: TcpStream) -> Option<TcpStream> {
    let mut buf = vec![0u8; MAX_HEAD_BYTES];
    let deadline = tokio::time::Instant::now() + REQUEST_LINE_TIMEOUT;
    let mut last_len = 0;
    // Bounded by the deadline; each round waits for new bytes (or a short pause when peek sees nothing new).
    loop {
        let peeked = tokio::time::timeout_at(deadline, stream.peek(&mut buf)).await;
        let n = match peeked {
            Err(_) => {
                reply(
                    &mut stream,
                    408,
                    "Request Timeout",
                    "request-timeout",
                    "the request head did not arrive in time; send the whole request at once",
                )
                .await;
                return None;
            }
            Ok(Err(_)) => return None,
            Ok(Ok(0)) => return Some(stream),
            Ok(Ok(n)) => n,
        };
        match classify(&buf[..n]) {
            RequestLine::Complete => return Some(stream),
            RequestLine::HeadTooLarge => {
                let detail = format!(
                    "the request headers are longer than {MAX_HEAD_BYTES} bytes; send fewer or shorter headers"
                );
                reply(
                    &mut stream,
                    431,
                    "Request Header Fields Too Large",
                    "headers-too-large",
                    &detail,
                )
                .await;
                return None;
            }
            RequestLine::TooLong => {
                let detail = format!(
                    "the request line is longer than {MAX_REQUEST_LINE_BYTES} bytes; shorten the query (q may be at most a few kilobytes)"
                );
                reply(&mut stream, 414, "URI Too Long", "uri-too-long", &detail).await;
                return None;
            }
            RequestLine::Incomplete => {
                if n == last_len {
                    // peek returns at once while old bytes wait unread: pause instead of spinning.
                    if tokio::time::Instant::now() >= deadline {
                        reply(
                            &mut stream,
                            408,
                            "Request Timeout",
                            "request-timeout",
                            "the request head did not arrive in time; send the whole request at once",
                        )
                        .await;
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                last_len = n;
            }
        }
    }
}

/// Writes a problem response, reads what the client still sends (bounded) so that it sees the answer instead of a
/// reset, and closes the connection. Errors are ignored: the client may already be gone.
async fn reply(stream: &mut TcpStream, status: u16, reason: &str, kind: &str, detail: &str) {
    let code = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    let problem = Problem::new(code, kind, reason, detail);
    let body = serde_json::to_string(&problem).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), write).await;
    let drain = async {
        let mut sink = vec![0u8; 16 * 1024];
        let mut total = 0usize;
        while total < 1 << 20 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_are_classified() {
        assert_eq!(classify(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"), RequestLine::Complete);
        assert_eq!(classify(b"GET / HTTP/1.1\n\n"), RequestLine::Complete);
        assert_eq!(classify(b"GET / HTTP/1.1\r\nHost: a\r\n"), RequestLine::Incomplete);
        assert_eq!(classify(b"\r\n"), RequestLine::Incomplete);
        assert_eq!(classify(b"\r\n\r\n"), RequestLine::Incomplete);
        assert_eq!(classify(b"\r\nGET / HTTP/1.1\r\n\r\n"), RequestLine::Complete);
        let mut huge = b"GET / HTTP/1.1\r\n".to_vec();
        huge.resize(MAX_HEAD_BYTES, b'a');
        assert_eq!(classify(&huge), RequestLine::HeadTooLarge);
        assert_eq!(classify(b"GET /api/search?q=so"), RequestLine::Incomplete);
        assert_eq!(classify(&vec![b'a'; MAX_REQUEST_LINE_BYTES]), RequestLine::TooLong);
    }
}
