//! The Socket.IO API (Engine.IO v4, Socket.IO v5), served by socketioxide
//! on the REST port under `/socket.io/`: the HMAC handshake, the
//! `/markets` namespace, the events the order engine produces, and the
//! switches tests use to break connections.
//!
//! Everything a socket receives goes through one queue, in the order the
//! state lock was taken: changes push their events into the state's
//! [`Outbox`] under the lock, the lock's guard hands them to the queue when
//! it is released, and one task sends them. A subscriber therefore sees its
//! snapshot, then every later change, in order and without a lock held
//! across an `.await`.

mod control;
pub(crate) mod events;
mod handshake;
mod namespace;

pub use control::SocketControl;
pub(crate) use handshake::handshake;
pub(crate) use namespace::register;
