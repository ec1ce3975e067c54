//! A loopback address nothing can answer.
//!
//! Binding port 0, reading the port and closing the listener leaves a port
//! that is free only for a moment: with the suites running in parallel
//! processes, another test's server may be given it before the test
//! connects, and the "refused" connection reaches that server instead.
//! A socket bound but never listening keeps the port: the kernel gives it
//! to no one else, and a connection to it is refused (a TCP reset).

use std::net::{Ipv4Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};

/// A loopback address that refuses every connection for as long as this
/// value lives.
///
/// ```
/// let port = limitless_testkit::RefusingPort::new();
/// let refused = std::net::TcpStream::connect(port.addr()).unwrap_err();
/// assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
/// ```
#[derive(Debug)]
pub struct RefusingPort {
    // Held, never listened on: the port stays this socket's.
    _socket: Socket,
    addr: SocketAddr,
}

impl RefusingPort {
    /// Reserves a free port on 127.0.0.1 without listening on it.
    ///
    /// # Panics
    ///
    /// When the system gives no socket or no free port.
    pub fn new() -> Self {
        let socket =
            Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("a TCP socket");
        // No SO_REUSEADDR: nobody else may bind the port while it is held.
        socket
            .bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
            .expect("a free loopback port");
        let addr = socket
            .local_addr()
            .expect("the bound address")
            .as_socket()
            .expect("an IP address");
        Self {
            _socket: socket,
            addr,
        }
    }

    /// The address: `127.0.0.1` and the held port.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The held port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `scheme://127.0.0.1:port`, for a client's base URL.
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }
}

impl Default for RefusingPort {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_port_is_given_to_no_listener() {
        let port = RefusingPort::new();
        // std's listener sets SO_REUSEADDR, as tokio's does.
        let taken = std::net::TcpListener::bind(port.addr()).unwrap_err();
        assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
    }

    #[test]
    fn every_connection_is_refused() {
        let port = RefusingPort::new();
        for _ in 0..3 {
            let refused = std::net::TcpStream::connect(port.addr()).unwrap_err();
            assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
        }
        assert_eq!(port.url("ws"), format!("ws://127.0.0.1:{}", port.port()));
    }
}
