//! The stream client against real servers on 127.0.0.1: socketioxide (an
//! independent Socket.IO implementation) checking the handshake with
//! `limitless_auth::Verifier`, and a raw WebSocket server for what
//! socketioxide will not do (stay silent).

mod book;
mod events;
mod handshake;
mod hostile;
mod lifecycle;
mod raw;
mod reconnect;
mod subscriptions;
mod support;
